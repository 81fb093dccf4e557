package com.desayre.gateway.accounts;

import static com.desayre.gateway.AuthTestGateway.json;
import static com.desayre.gateway.AuthTestGateway.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.gateway.AuthTestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An attacker with an account of their own, against another member's things: API keys, the live event stream,
 * paths that try to climb out of the API, and fields that try to point the studio at an internal address or
 * another owner. (Forged, {@code alg:none}, expired and no-{@code exp} tokens, CSRF and the admin routes are in
 * {@link AccountsIT}; jobs and media by guessed id in stack-it's HistoryAndMediaIT; {@code ./desayre bench fuzz}
 * sends every kind of bad input to every endpoint.)
 */
class AttackSuiteIT {
    private static final String ADMIN_PASSWORD = "the admin's attack-suite passphrase";
    private static final String PASSWORD = "a perfectly good passphrase";

    private static AuthTestGateway gateway;
    private static String admin;

    @BeforeAll
    static void start() {
        AuthTestGateway.withJobTables();
        gateway = new AuthTestGateway(Map.of("desayre.auth.admin-password", ADMIN_PASSWORD));
        admin = gateway.token("admin", ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static String member(String prefix) {
        var username = unique(prefix);
        gateway.createUser(admin, username, PASSWORD, "member");
        return gateway.token(username, PASSWORD);
    }

    private static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    @Test
    void anotherMembersApiKeyCannotBeListedOrRevoked() {
        var alice = member("alice");
        var mallory = member("mallory");
        var created = gateway.call("POST", "/api/keys", "{\"name\":\"alice's ci\"}", bearer(alice));
        assertThat(created.statusCode()).isEqualTo(201);
        var keyId = json(created).get("id").asString();
        var key = json(created).get("key").asString();

        assertThat(gateway.call("GET", "/api/keys", null, bearer(mallory)).body()).doesNotContain(keyId);
        var revoke = gateway.call("DELETE", "/api/keys/" + keyId, null, bearer(mallory));
        assertThat(revoke.statusCode()).isEqualTo(404);
        assertThat(revoke.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        // a key cannot manage keys either (keys are managed from a signed-in session)
        assertThat(gateway.call("DELETE", "/api/keys/" + keyId, null, "X-API-Key", key).statusCode()).isEqualTo(403);

        var me = gateway.call("GET", "/api/auth/me", null, "X-API-Key", key);
        assertThat(me.statusCode()).as("alice's key still works").isEqualTo(200);
        assertThat(gateway.call("GET", "/api/keys", null, bearer(alice)).body()).contains(keyId);
    }

    @Test
    void theLiveStreamCarriesOnlyOnesOwnJobs() throws Exception {
        var alice = member("alice");
        var mallory = member("mallory");
        try (var aliceEvents = new EventLines(gateway.base, alice); var malloryEvents = new EventLines(gateway.base, mallory)) {
            var alicesJob = submit(alice, "alice's secret lighthouse");
            await().atMost(Duration.ofSeconds(60)).until(() -> aliceEvents.contains(alicesJob));
            // mallory's own job comes through the same fan-out after alice's: once it is in, alice's would have been
            var mallorysJob = submit(mallory, "mallory's own lighthouse");
            await().atMost(Duration.ofSeconds(60)).until(() -> malloryEvents.contains(mallorysJob));
            assertThat(malloryEvents.lines()).noneMatch(line -> line.contains(alicesJob) || line.contains("alice's secret"));
        }
    }

    private static String submit(String token, String prompt) {
        var accepted = gateway.call("POST", "/api/generate/image", "{\"prompt\":\"" + prompt + "\"}", bearer(token));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return json(accepted).get("jobId").asString();
    }

    @Test
    void pathsThatClimbOutOfTheApiReachNothing() {
        var mallory = member("mallory");
        for (var path : List.of("/api/media/..%2F..%2F..%2Fetc%2Fpasswd", "/api/media/%2e%2e/%2e%2e/etc/passwd",
                "/studio/..%2F..%2F..%2Fetc%2Fpasswd", "/api/history/..%2Fadmin%2Fusers", "/api/jobs/%2e%2e%2fadmin%2fusers",
                "/api/keys/..%2F..%2Fadmin%2Fusers", "/static/%2e%2e/%2e%2e/application.yml", "/application.yml",
                "/WEB-INF/web.xml", "/.env", "/actuator/env", "/actuator/heapdump")) {
            var response = gateway.call("GET", path, null, bearer(mallory));
            assertThat(response.statusCode()).as(path).isIn(400, 403, 404);
            assertThat(response.body()).as(path).doesNotContain("root:x:").doesNotContain("jwt-secret").doesNotContain("password");
        }
    }

    @Test
    void fieldsThatPointElsewhereAreRefusedByName() {
        var mallory = member("mallory");
        for (var field : List.of("imageUrl", "callbackUrl", "ownerId", "owner", "userId")) {
            var refused = gateway.call("POST", "/api/generate/image",
                    "{\"prompt\":\"a lighthouse\",\"" + field + "\":\"http://169.254.169.254/latest/meta-data\"}", bearer(mallory));
            assertThat(refused.statusCode()).as(field).isEqualTo(400);
            assertThat(refused.body()).as(field).contains(field);
        }
        // an edit of a job that is not yours is as good as an edit of no job
        var alice = member("alice");
        var alicesJob = submit(alice, "alice's lighthouse to edit");
        var edit = gateway.call("POST", "/api/generate/edit", "{\"prompt\":\"make it night\",\"sourceJobId\":\"" + alicesJob + "\"}",
                bearer(mallory));
        assertThat(edit.statusCode()).isIn(400, 404, 409);
        assertThat(edit.body()).doesNotContain("alice");
        var video = gateway.call("POST", "/api/generate/video", "{\"prompt\":\"waves\",\"sourceJobId\":\"" + alicesJob + "\"}",
                bearer(mallory));
        assertThat(video.statusCode()).isIn(400, 404, 409);
        assertThat(video.body()).doesNotContain("alice");
    }

    /** {@code GET /api/events} as one user, its lines collected as they come. */
    private static final class EventLines implements AutoCloseable {
        private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        private final HttpClient http = HttpClient.newHttpClient();
        private final java.util.concurrent.CompletableFuture<HttpResponse<Stream<String>>> response;

        EventLines(String base, String token) {
            var request = HttpRequest.newBuilder(URI.create(base + "/api/events")).header("Accept", "text/event-stream")
                    .header("Authorization", "Bearer " + token).GET().build();
            response = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
            response.thenAcceptAsync(answer -> answer.body().forEach(lines::add));
        }

        boolean contains(String text) {
            return lines.stream().anyMatch(line -> line.contains(text));
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        @Override
        public void close() {
            response.thenAccept(answer -> answer.body().close());
            response.cancel(true);
        }
    }
}
