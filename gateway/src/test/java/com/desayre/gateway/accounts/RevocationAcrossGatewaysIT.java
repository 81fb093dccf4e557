package com.desayre.gateway.accounts;

import static com.desayre.gateway.AuthTestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.gateway.AuthTestGateway;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway instances, as a scaled-out deployment runs them: a sign-out, a disabled user, a
 * password change or a revoked API key on one instance is refused on the other within seconds, and
 * the event streams open there with that credential end, with a last {@code signed-out} event.
 */
class RevocationAcrossGatewaysIT {
    private static final String ADMIN_PASSWORD = "the revocation admin passphrase";
    private static final String PASSWORD = "a perfectly good passphrase";
    private static final Duration WITHIN = Duration.ofSeconds(5);

    private static AuthTestGateway first;
    private static AuthTestGateway second;
    private static String admin;

    @BeforeAll
    static void start() {
        AuthTestGateway.withJobTables();
        // the user cache is long here, so only the revocation poll can carry a change across in time
        var properties = Map.of("desayre.auth.admin-password", ADMIN_PASSWORD, "desayre.limits.enabled", "false",
                "desayre.auth.user-cache-ttl", "5m");
        first = new AuthTestGateway(properties);
        second = new AuthTestGateway(properties);
        for (var gateway : List.of(first, second)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> gateway.call("GET", "/actuator/health", null).statusCode() == 200);
        }
        admin = first.token("admin", ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        for (var gateway : new AuthTestGateway[] {first, second}) {
            if (gateway != null) {
                gateway.close();
            }
        }
    }

    private static String member() {
        var username = AuthTestGateway.unique("rv");
        first.createUser(admin, username, PASSWORD, "member");
        return username;
    }

    private static HttpResponse<String> me(AuthTestGateway gateway, String... credential) {
        return gateway.call("GET", "/api/auth/me", null, credential);
    }

    /** A stream of all the user's events on the second instance, listening. */
    private static AuthTestGateway.EventStream listenOnSecond(String... credential) {
        var stream = second.openEvents("/api/events", credential);
        assertThat(stream.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.lines().contains(":connected"));
        return stream;
    }

    private static void assertEndsWith(AuthTestGateway.EventStream stream, String reason) {
        await().atMost(WITHIN).until(stream::ended);
        assertThat(stream.data(SignedOutStreams.EVENT)).singleElement().asString().contains("\"reason\":\"" + reason + "\"");
    }

    @Test
    void aSignOutOnOneInstanceIsRefusedOnTheOtherAndEndsItsStreams() {
        var user = member();
        var token = first.token(user, PASSWORD);
        var other = first.token(user, PASSWORD);
        var bearer = new String[] {"Authorization", "Bearer " + token};
        // warm the second instance's caches, so nothing but the revocation can refuse the token there
        assertThat(me(second, bearer).statusCode()).isEqualTo(200);
        var accepted = first.call("POST", "/api/generate/image", "{\"prompt\":\"a paper boat on a canal\"}", bearer);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        var jobId = json(accepted).get("jobId").asString();
        try (var all = listenOnSecond(bearer);
             var job = second.openEvents("/api/jobs/" + jobId + "/events", bearer);
             var othersStream = listenOnSecond("Authorization", "Bearer " + other)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> job.lines().stream().anyMatch(line -> line.contains(jobId)));

            assertThat(first.call("POST", "/api/auth/logout", null, bearer).statusCode()).isEqualTo(204);

            await().atMost(WITHIN).untilAsserted(() -> assertThat(me(second, bearer).statusCode()).isEqualTo(401));
            assertThat(json(me(second, bearer)).get("detail").asString()).contains("signed out");
            assertEndsWith(all, "signed-out");
            assertEndsWith(job, "signed-out");
            // the user's other session goes on
            assertThat(othersStream.ended()).isFalse();
            assertThat(me(second, "Authorization", "Bearer " + other).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void disablingAUserOnOneInstanceEndsTheirSessionsStreamsAndKeysOnTheOther() {
        var user = member();
        var token = first.token(user, PASSWORD);
        var key = json(first.call("POST", "/api/keys", "{\"name\":\"bot\"}", "Authorization", "Bearer " + token)).get("key").asString();
        assertThat(me(second, "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
        assertThat(me(second, "X-API-Key", key).statusCode()).isEqualTo(200);
        try (var bySession = listenOnSecond("Authorization", "Bearer " + token);
             var byKey = listenOnSecond("X-API-Key", key)) {
            var disabled = first.call("PATCH", "/api/admin/users/" + user, "{\"enabled\":false}", "Authorization", "Bearer " + admin);
            assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);

            await().atMost(WITHIN).untilAsserted(() -> assertThat(me(second, "Authorization", "Bearer " + token).statusCode()).isEqualTo(401));
            assertThat(me(second, "X-API-Key", key).statusCode()).isEqualTo(401);
            assertEndsWith(bySession, "disabled");
            assertEndsWith(byKey, "disabled");
        }
    }

    @Test
    void aPasswordChangeOnOneInstanceEndsTheOldSessionsAndTheirStreamsOnTheOther() {
        var user = member();
        var old = first.token(user, PASSWORD);
        assertThat(me(second, "Authorization", "Bearer " + old).statusCode()).isEqualTo(200);
        try (var stream = listenOnSecond("Authorization", "Bearer " + old)) {
            var changed = first.call("POST", "/api/auth/password",
                    "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"another perfectly good one\"}", "Authorization", "Bearer " + old);
            assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
            var fresh = json(changed).get("token").asString();

            await().atMost(WITHIN).untilAsserted(() -> assertThat(me(second, "Authorization", "Bearer " + old).statusCode()).isEqualTo(401));
            assertThat(json(me(second, "Authorization", "Bearer " + old)).get("detail").asString()).contains("password changed");
            assertEndsWith(stream, "session-ended");
            assertThat(me(second, "Authorization", "Bearer " + fresh).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void revokingAnApiKeyOnOneInstanceEndsTheStreamOpenedWithItOnTheOther() {
        var user = member();
        var session = first.token(user, PASSWORD);
        var created = json(first.call("POST", "/api/keys", "{\"name\":\"ci\"}", "Authorization", "Bearer " + session));
        var key = created.get("key").asString();
        var otherKey = json(first.call("POST", "/api/keys", "{\"name\":\"other\"}", "Authorization", "Bearer " + session)).get("key").asString();
        assertThat(me(second, "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
        try (var stream = listenOnSecond("Authorization", "Bearer " + key);
             var otherStream = listenOnSecond("X-API-Key", otherKey)) {
            assertThat(first.call("DELETE", "/api/keys/" + created.get("id").asString(), null, "Authorization", "Bearer " + session)
                    .statusCode()).isEqualTo(204);

            await().atMost(WITHIN).untilAsserted(() -> assertThat(me(second, "Authorization", "Bearer " + key).statusCode()).isEqualTo(401));
            assertEndsWith(stream, "api-key-revoked");
            assertThat(otherStream.ended()).isFalse();
            assertThat(me(second, "X-API-Key", otherKey).statusCode()).isEqualTo(200);
        }
    }
}
