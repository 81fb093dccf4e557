package com.desayre.gateway.limits;

import static com.desayre.gateway.AuthTestGateway.json;
import static com.desayre.gateway.AuthTestGateway.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.embedded.RedisServer;
import com.desayre.gateway.AuthTestGateway;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 2: while Redis was slow for 22 s, 30 users spent 300 units and the daily quota recorded 31. Here Redis
 * (the test's own) is paused ({@code CLIENT PAUSE ... ALL}: every command waits, as when it is overloaded) while users
 * spend; once it answers, every unit is in each user's daily usage, once. One slow call does not switch to the fallback
 * and is not counted twice; and while on the fallback the daily quota starts from what the user already spent.
 * Users generate with personal API keys, whose check does not read Redis.
 */
class QuotaThroughRedisTroubleIT {
    private static final String ADMIN_PASSWORD = "the admin's redis-trouble passphrase";
    private static final String PASSWORD = "a perfectly good passphrase";
    private static final String IMAGE = "{\"prompt\":\"a lighthouse at dusk\"}";

    private static RedisServer redis;
    private static RedisClient redisClient;
    private static AuthTestGateway gateway;
    private static String admin;

    @BeforeAll
    static void start() {
        redis = RedisServer.start(0, null);
        redisClient = RedisClient.create(redis.url());
        gateway = new AuthTestGateway(Map.of(
                "spring.data.redis.url", redis.url(),
                "desayre.auth.admin-password", ADMIN_PASSWORD,
                "desayre.limits.user.capacity", "100",
                "desayre.limits.api-key.capacity", "100",
                "desayre.limits.max-in-flight", "100",
                "desayre.limits.probe-interval", "500ms"));
        await().atMost(Duration.ofSeconds(60)).until(() -> gateway.call("GET", "/actuator/health", null).statusCode() == 200);
        admin = gateway.token("admin", ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (redisClient != null) {
            redisClient.shutdown();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void oneSlowRedisCallNeitherSwitchesToTheFallbackNorLosesOrDoublesItsCharge() {
        var key = userWithKey();
        assertThat(generate(key).statusCode()).isEqualTo(202);
        var switches = switchesToLocal();

        pauseRedis(Duration.ofMillis(1500));
        // longer than redis-timeout (500 ms): decided on this instance and written to the ledger, Redis's late run dedups
        var slow = generate(key);
        assertThat(slow.statusCode()).as(slow.body()).isEqualTo(202);

        assertThat(gateway.bean(GenerationLimits.class).onLocalFallback()).isFalse();
        assertThat(switchesToLocal()).isEqualTo(switches);
        await().atMost(Duration.ofSeconds(30)).until(() -> pending() == 0 && usedToday(key) == 2);
        assertThat(switchesToLocal()).isEqualTo(switches);
        assertThat(generate(key).statusCode()).isEqualTo(202);
        assertThat(usedToday(key)).isEqualTo(3);
    }

    @Test
    void everyUnitSpentWhileRedisIsPausedIsCountedOnceItAnswers() throws Exception {
        var users = 30;
        var requestsEach = 10;
        var keys = new ArrayList<String>();
        for (int i = 0; i < users; i++) {
            keys.add(userWithKey());
        }
        // one unit each while Redis answers: usage Redis knows from before the outage
        for (var key : keys) {
            assertThat(generate(key).statusCode()).isEqualTo(202);
        }
        // a user with a quota of 12 who spent 10 before the outage: the fallback must not hand out a fresh quota
        var capped = userWithKey();
        var cappedName = json(gateway.call("GET", "/api/auth/me", null, "X-API-Key", capped)).get("username").asString();
        assertThat(gateway.call("PUT", "/api/admin/users/" + cappedName + "/quota", "{\"dailyQuota\":12}",
                "Authorization", "Bearer " + admin).statusCode()).isEqualTo(200);
        for (int i = 0; i < 10; i++) {
            assertThat(generate(capped).statusCode()).isEqualTo(202);
        }
        var localBefore = localDecisions();

        pauseRedis(Duration.ofSeconds(8));
        var accepted = new ConcurrentHashMap<String, AtomicInteger>();
        var cappedAnswers = new ConcurrentHashMap<Integer, AtomicInteger>();
        var pool = Executors.newFixedThreadPool(users + 1);
        try {
            var spending = new ArrayList<Future<?>>();
            for (var key : keys) {
                spending.add(pool.submit(() -> {
                    for (int i = 0; i < requestsEach; i++) {
                        var answer = generate(key);
                        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
                        accepted.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                    }
                }));
            }
            spending.add(pool.submit(() -> {
                for (int i = 0; i < 5; i++) {
                    cappedAnswers.computeIfAbsent(generate(capped).statusCode(), k -> new AtomicInteger()).incrementAndGet();
                }
            }));
            for (var spent : spending) {
                spent.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // the outage was real: requests were decided without Redis
        assertThat(localDecisions()).isGreaterThan(localBefore);
        // the capped user got the 2 units left of 12, not 5 more from a fresh quota
        assertThat(cappedAnswers.get(202)).hasValue(2);
        assertThat(cappedAnswers.get(429)).hasValue(3);

        await().atMost(Duration.ofSeconds(60)).until(() -> !gateway.bean(GenerationLimits.class).onLocalFallback() && pending() == 0);
        for (var key : keys) {
            assertThat(accepted.get(key)).hasValue(requestsEach);
            assertThat(usedToday(key)).as("daily usage after the outage").isEqualTo(1 + requestsEach);
        }
        assertThat(usedToday(capped)).isEqualTo(12);
        var refused = generate(capped);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(json(refused).get("type").asString()).isEqualTo("/problems/daily-quota-exceeded");
    }

    /** A new member with a personal API key; answers the key. */
    private static String userWithKey() {
        var user = unique("q");
        gateway.createUser(admin, user, PASSWORD, "member");
        var session = gateway.token(user, PASSWORD);
        var created = gateway.call("POST", "/api/keys", "{\"name\":\"spender\"}", "Authorization", "Bearer " + session);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).get("key").asString();
    }

    private static HttpResponse<String> generate(String apiKey) {
        return gateway.call("POST", "/api/generate/image", IMAGE, "X-API-Key", apiKey);
    }

    /** The caller's daily usage as GET /api/limits shows it while the limits are shared (Redis). */
    private static long usedToday(String apiKey) {
        var limits = gateway.call("GET", "/api/limits", null, "X-API-Key", apiKey);
        assertThat(limits.statusCode()).as(limits.body()).isEqualTo(200);
        assertThat(json(limits).get("mode").asString()).isEqualTo("shared");
        return json(limits).get("usedToday").asLong();
    }

    private static long pending() {
        return gateway.bean(QuotaLedger.class).pendingCount().block(Duration.ofSeconds(10));
    }

    /** Every command of every client waits for {@code pause}, then Redis runs them: what a slow Redis looks like. */
    private static void pauseRedis(Duration pause) {
        try (var connection = redisClient.connect()) {
            assertThat(connection.sync().clientPause(pause.toMillis())).isEqualTo("OK");
        }
    }

    private static double switchesToLocal() {
        var counter = gateway.bean(MeterRegistry.class).find(GenerationLimits.SWITCHES).tag("to", "local").counter();
        return counter == null ? 0 : counter.count();
    }

    private static double localDecisions() {
        return gateway.bean(MeterRegistry.class).find(GenerationLimits.DECISIONS).tag("backend", "local").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
