package com.desayre.gateway.accounts;

import static com.desayre.gateway.AuthTestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.embedded.RedisServer;
import com.desayre.gateway.AuthTestGateway;
import com.desayre.testsupport.TestServers;
import io.lettuce.core.RedisClient;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Revocation fails closed and does not depend on Redis. A gateway on a Redis of its own (so the
 * other tests' Redis is left alone): while that Redis answers nothing, a signed-out token stays
 * refused, a live session keeps working, signing in and out still work. And while the gateway
 * cannot read its revocations from Postgres, session and API-key requests are refused (503) and open
 * event streams end, until it can again.
 */
class SessionsFailClosedIT {
    private static final String ADMIN_PASSWORD = "the fail-closed admin passphrase";
    private static final String PASSWORD = "a perfectly good passphrase";

    private static RedisServer redis;
    private static AuthTestGateway gateway;
    private static String admin;

    @BeforeAll
    static void start() {
        redis = RedisServer.start(0, null);
        gateway = new AuthTestGateway(Map.of(
                "spring.data.redis.url", redis.url(),
                "desayre.auth.admin-password", ADMIN_PASSWORD,
                "desayre.revocations.poll-interval", "250ms",
                "desayre.revocations.max-staleness", "2s"));
        admin = gateway.token("admin", ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        // Redis first: a paused one would hold the gateway's shutdown
        if (redis != null) {
            redis.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private static HttpResponse<String> me(String token) {
        return gateway.call("GET", "/api/auth/me", null, "Authorization", "Bearer " + token);
    }

    private static String member() {
        var username = AuthTestGateway.unique("fc");
        gateway.createUser(admin, username, PASSWORD, "member");
        return username;
    }

    @Test
    void aSignedOutTokenStaysRefusedWhileRedisAnswersNothingAndSessionsAndSignInStillWork() {
        var user = member();
        var signedOut = gateway.token(user, PASSWORD);
        var live = gateway.token(user, PASSWORD);
        var later = gateway.token(user, PASSWORD);
        assertThat(gateway.call("POST", "/api/auth/logout", null, "Authorization", "Bearer " + signedOut).statusCode()).isEqualTo(204);
        assertThat(me(signedOut).statusCode()).isEqualTo(401);

        var client = RedisClient.create(redis.url());
        try (var connection = client.connect()) {
            // every client's commands wait 20 s: Redis is there, and answers nothing
            connection.sync().clientPause(20_000);

            var refused = me(signedOut);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
            assertThat(json(refused).get("detail").asString()).contains("signed out");
            assertThat(me(live).statusCode()).isEqualTo(200);
            // signing out works without Redis, and holds
            assertThat(gateway.call("POST", "/api/auth/logout", null, "Authorization", "Bearer " + later).statusCode()).isEqualTo(204);
            assertThat(me(later).statusCode()).isEqualTo(401);
            // and signing in still works (the sign-in limiter falls back to this instance's memory)
            var login = gateway.login(user, PASSWORD, AuthTestGateway.newAddress());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            assertThat(me(json(login).get("token").asString()).statusCode()).isEqualTo(200);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /**
     * A revocation whose transaction took its id before another's but commits after it is still
     * read: "every id above the last one seen" would skip it for good.
     */
    @Test
    void aRevocationCommittedAfterALaterOneIsNotMissed() throws Exception {
        var user = member();
        var now = Instant.now();
        var lateSid = "late-" + UUID.randomUUID();
        var earlySid = "early-" + UUID.randomUUID();
        var late = AuthTestGateway.mint(AuthTestGateway.SECRET, user, "member", 0, lateSid, now, now, now.plusSeconds(600));
        var early = AuthTestGateway.mint(AuthTestGateway.SECRET, user, "member", 0, earlySid, now, now, now.plusSeconds(600));
        assertThat(me(late).statusCode()).isEqualTo(200);
        assertThat(me(early).statusCode()).isEqualTo(200);

        var db = TestServers.postgres();
        var revoke = "insert into gateway.revocations (kind, subject, until) values ('session', ?, now() + interval '1 hour')";
        try (var slow = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             var quick = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
            slow.setAutoCommit(false);
            try (var insert = slow.prepareStatement(revoke)) {
                insert.setString(1, lateSid);
                insert.executeUpdate();
            }
            // a higher id, committed first, and read by the gateway
            try (var insert = quick.prepareStatement(revoke)) {
                insert.setString(1, earlySid);
                insert.executeUpdate();
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(me(early).statusCode()).isEqualTo(401));
            assertThat(me(late).statusCode()).isEqualTo(200);

            slow.commit();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(me(late).statusCode()).isEqualTo(401));
    }

    @Test
    void whileRevocationsCannotBeReadSessionsAndKeysAre503AndStreamsEndThenWorkAgain() throws Exception {
        var user = member();
        var token = gateway.token(user, PASSWORD);
        var key = json(gateway.call("POST", "/api/keys", "{\"name\":\"stale\"}", "Authorization", "Bearer " + token)).get("key").asString();
        var stream = gateway.openEvents("/api/events", "Authorization", "Bearer " + token);
        assertThat(stream.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.lines().contains(":connected"));

        var db = TestServers.postgres();
        try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
            // Postgres holds every read of the revocations, like a database that stopped answering
            connection.setAutoCommit(false);
            connection.createStatement().execute("lock table gateway.revocations in access exclusive mode");

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(me(token).statusCode()).isEqualTo(503));
            var refused = me(token);
            assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(json(refused).get("detail").asString()).contains("cannot be checked");
            assertThat(gateway.call("GET", "/api/auth/me", null, "X-API-Key", key).statusCode()).isEqualTo(503);
            await().atMost(Duration.ofSeconds(10)).until(stream::ended);
            assertThat(stream.data(SignedOutStreams.EVENT)).singleElement().asString().contains("\"reason\":\"unverifiable\"");
            // health says so (load balancers take the instance out of rotation)
            assertThat(gateway.call("GET", "/actuator/health", null).statusCode()).isEqualTo(503);

            connection.rollback();
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(me(token).statusCode()).isEqualTo(200));
        assertThat(gateway.call("GET", "/api/auth/me", null, "X-API-Key", key).statusCode()).isEqualTo(200);
        assertThat(gateway.call("GET", "/actuator/health", null).statusCode()).isEqualTo(200);
    }
}
