package com.desayre.gateway.limits;

import static com.desayre.gateway.AuthTestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.embedded.RedisServer;
import com.desayre.gateway.AuthTestGateway;
import io.lettuce.core.RedisClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Redis stops while the gateway serves: generation goes on under this instance's own limiter (each check at first,
 * the whole instance once the failures amount to an outage),
 * health and metrics say so (health stays UP), and once Redis is back the limits are shared again.
 * Runs on its own Redis so the other tests' Redis stays up.
 */
class LimitsRedisDownIT {
    private static final String ADMIN_PASSWORD = "the admin's redis-down passphrase";
    private static final String PASSWORD = "a perfectly good passphrase";
    private static final String IMAGE = "{\"prompt\":\"a lighthouse at dusk\"}";

    @Test
    void whenRedisStopsTheGatewayLimitsLocallyAndSaysSoThenSharesAgainWhenItReturns() {
        var redis = RedisServer.start(0, null);
        var port = redis.port();
        try (var gateway = new AuthTestGateway(Map.of(
                "spring.data.redis.url", redis.url(),
                "desayre.auth.admin-password", ADMIN_PASSWORD,
                "desayre.limits.user.capacity", "3",
                "desayre.limits.user.window", "1h",
                "desayre.limits.probe-interval", "500ms"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> gateway.call("GET", "/actuator/health", null).statusCode() == 200);
            var admin = gateway.token("admin", ADMIN_PASSWORD);
            var user = AuthTestGateway.unique("down");
            gateway.createUser(admin, user, PASSWORD, "member");
            var token = gateway.token(user, PASSWORD);

            assertThat(rateLimit(generate(gateway, token))).startsWith("\"user\";r=2;");
            assertThat(limitsMode(gateway, admin)).isEqualTo("shared");
            assertThat(fallbackGauge(gateway, admin)).isEqualTo("0.0");

            redis.close();

            // each check Redis does not answer is decided by this instance's own limiter (a full bucket), which still
            // refuses once it is empty
            var during = generate(gateway, token);
            assertThat(during.statusCode()).as(during.body()).isEqualTo(202);
            assertThat(rateLimit(during)).startsWith("\"user\";r=2;");
            assertThat(generate(gateway, token).statusCode()).isEqualTo(202);
            assertThat(rateLimit(generate(gateway, token))).startsWith("\"user\";r=0;");
            var refused = generate(gateway, token);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(json(refused).get("type").asString()).isEqualTo("/problems/rate-limited");
            // failed calls in a row, lasting outage-lasting, are an outage: the instance stops asking Redis, and says so
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                gateway.call("GET", "/api/limits", null, "Authorization", "Bearer " + token);
                return "local-fallback".equals(limitsMode(gateway, admin));
            });
            assertThat(fallbackGauge(gateway, admin)).isEqualTo("1.0");

            redis = RedisServer.start(port, null);

            await().atMost(Duration.ofSeconds(60)).until(() -> "shared".equals(limitsMode(gateway, admin)));
            assertThat(fallbackGauge(gateway, admin)).isEqualTo("0.0");
            // the restarted Redis is empty: the bucket starts afresh there, shared; the daily counter was made whole from
            // the quota ledger before the limits were shared again: the unit from before Redis stopped (its counter was
            // lost with Redis's data), the 3 of the outage, and this one
            var after = generate(gateway, token);
            assertThat(after.statusCode()).as(after.body()).isEqualTo(202);
            assertThat(rateLimit(after)).startsWith("\"user\";r=2;");
            await().atMost(Duration.ofSeconds(30)).until(() -> json(gateway.call("GET", "/api/limits", null,
                    "Authorization", "Bearer " + token)).get("usedToday").asLong() == 5);
            var client = RedisClient.create(redis.url());
            try (var connection = client.connect()) {
                assertThat(connection.sync().exists(GenerationLimits.key(user, "bucket"))).isEqualTo(1L);
            } finally {
                client.shutdown();
            }
        } finally {
            redis.close();
        }
    }

    @Test
    void withAClosedFallbackGenerationIsA503WhileRedisIsUnreachable() throws Exception {
        int unused;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            unused = socket.getLocalPort();
        }
        var nowhere = "redis://127.0.0.1:" + unused;
        try (var gateway = new AuthTestGateway(Map.of(
                "spring.data.redis.url", nowhere,
                "desayre.auth.admin-password", ADMIN_PASSWORD,
                "desayre.limits.fallback", "closed"))) {
            var admin = gateway.token("admin", ADMIN_PASSWORD);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                var refused = generate(gateway, admin);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).isPresent();
                assertThat(json(refused).get("type").asString()).isEqualTo("/problems/limits-unavailable");
                assertThat(json(refused).get("detail").asString()).contains("Nothing was queued");
                return "local-fallback".equals(limitsMode(gateway, admin));
            });
        }
    }

    private static HttpResponse<String> generate(AuthTestGateway gateway, String token) {
        return gateway.call("POST", "/api/generate/image", IMAGE, "Authorization", "Bearer " + token);
    }

    private static String rateLimit(HttpResponse<?> response) {
        return response.headers().firstValue("RateLimit").orElseThrow();
    }

    /** The limits component of /actuator/health as an admin sees it; the whole stays UP either way. */
    private static String limitsMode(AuthTestGateway gateway, String admin) {
        var health = gateway.call("GET", "/actuator/health", null, "Authorization", "Bearer " + admin);
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        var body = json(health);
        assertThat(body.get("status").asString()).isEqualTo("UP");
        var limits = body.get("components").get("limits");
        assertThat(limits.get("status").asString()).isEqualTo("UP");
        return limits.get("details").get("mode").asString();
    }

    /** The local-fallback gauge from /actuator/prometheus (admins only). */
    private static String fallbackGauge(AuthTestGateway gateway, String admin) {
        var metrics = gateway.call("GET", "/actuator/prometheus", null, "Authorization", "Bearer " + admin).body();
        return metrics.lines().filter(line -> line.startsWith("desayre_limits_local_fallback ")).findFirst()
                .map(line -> line.substring(line.indexOf(' ') + 1)).orElseThrow(() -> new AssertionError("no fallback gauge"));
    }
}
