package com.desayre.gateway.limits;

import static com.desayre.gateway.AuthTestGateway.json;
import static com.desayre.gateway.AuthTestGateway.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.Topics;
import com.desayre.gateway.AuthTestGateway;
import com.desayre.gateway.messaging.SendThreads;
import com.desayre.platform.MediaStore;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generation limits on two gateway instances sharing the real Redis, Kafka and Postgres: token
 * buckets per user and per API key, the in-flight cap, the daily quota admins set, the headers
 * on every answer, and nothing published for a refused request.
 */
class GenerationLimitsIT {
    private static final String ADMIN_PASSWORD = "the admin's limits passphrase";
    private static final String PASSWORD = "a perfectly good passphrase";
    private static final String IMAGE = "{\"prompt\":\"a lighthouse at dusk\"}";
    private static final String VIDEO = "{\"prompt\":\"waves rolling onto a beach\"}";

    private static AuthTestGateway a;
    private static AuthTestGateway b;
    private static String admin;

    @BeforeAll
    static void start() {
        // an hour-long window: nothing refills noticeably while a test runs
        var limits = Map.of(
                "desayre.auth.admin-password", ADMIN_PASSWORD,
                "desayre.limits.cost.image", "1",
                "desayre.limits.cost.video", "3",
                "desayre.limits.user.capacity", "6",
                "desayre.limits.user.window", "1h",
                "desayre.limits.api-key.capacity", "4",
                "desayre.limits.api-key.window", "1h",
                "desayre.limits.max-in-flight", "3",
                "desayre.limits.daily-quota", "100",
                // every Kafka send is checked for the thread it runs on (noSendBlocksAnEventLoop)
                "spring.kafka.producer.properties.interceptor.classes", SendThreads.class.getName());
        a = new AuthTestGateway(limits);
        b = new AuthTestGateway(limits);
        // both read generation.status from now on, so both see the statuses that free slots
        for (var gateway : new AuthTestGateway[] {a, b}) {
            await().atMost(Duration.ofSeconds(60)).until(() -> gateway.call("GET", "/actuator/health", null).statusCode() == 200);
        }
        admin = a.token("admin", ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        for (var gateway : new AuthTestGateway[] {a, b}) {
            if (gateway != null) {
                gateway.close();
            }
        }
    }

    /** KafkaProducer.send may block on metadata or a full buffer: never on an event loop (issue 14). */
    @Test
    void noKafkaSendRunsOnAnEventLoopOrAnotherNonBlockingThread() {
        int before = SendThreads.sends();
        var alice = a.token(member(), PASSWORD);
        for (var gateway : new AuthTestGateway[] {a, b}) {
            assertThat(generate(gateway, "image", IMAGE, alice).statusCode()).isEqualTo(202);
        }
        // the job and its QUEUED status, on each instance
        await().atMost(Duration.ofSeconds(30)).until(() -> SendThreads.sends() >= before + 4);
        assertThat(SendThreads.onNonBlockingThreads()).isEmpty();
    }

    private static String member() {
        var username = unique("lim");
        a.createUser(admin, username, PASSWORD, "member");
        return username;
    }

    private static HttpResponse<String> generate(AuthTestGateway gateway, String kind, String body, String credential,
                                                 String... headers) {
        var all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + credential;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return gateway.call("POST", "/api/generate/" + kind, body, all);
    }

    private static String rateLimit(HttpResponse<?> response) {
        return response.headers().firstValue("RateLimit").orElseThrow();
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(json(response).get("type").asString()).isEqualTo("/problems/" + type);
        assertThat(response.body()).doesNotContain("Exception");
    }

    @Test
    void anEmptyBucketIsA429WithRetryAfterAndTheHeadersAndNothingIsPublished() {
        var user = member();
        var token = a.token(user, PASSWORD);
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.REQUESTED)) {
            var first = generate(a, "video", VIDEO, token);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
            assertThat(first.headers().firstValue("RateLimit-Policy").orElseThrow())
                    .isEqualTo("\"user\";q=6;w=3600, \"daily\";q=100;w=86400, \"in-flight\";q=3;qu=\"concurrent-requests\"");
            assertThat(rateLimit(first)).startsWith("\"user\";r=3;t=").contains("\"daily\";r=97;t=").endsWith("\"in-flight\";r=2");
            assertThat(generate(a, "video", VIDEO, token).statusCode()).isEqualTo(202);

            var refused = generate(a, "image", IMAGE, token);
            assertProblem(refused, 429, "rate-limited");
            var retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
            // one unit of six per hour comes back in ten minutes
            assertThat(retryAfter).isEqualTo(600);
            assertThat(refused.headers().firstValue("RateLimit-Policy")).isPresent();
            assertThat(rateLimit(refused)).startsWith("\"user\";r=0;t=");
            var detail = json(refused).get("detail").asString();
            assertThat(detail).contains("0 of your 6 units").contains("Wait 600 s");

            // a request by someone else, accepted after the refusal, reaches Kafka; the refused one never does
            var other = member();
            var marker = generate(a, "image", IMAGE, a.token(other, PASSWORD));
            assertThat(marker.statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> published(probe, other) == 1);
            assertThat(published(probe, user)).isEqualTo(2);
        }
    }

    @Test
    void aRefusedUploadLeavesNothingInTheMediaStoreAndAnAdmittedOneIsStored() throws Exception {
        var user = member();
        var token = a.token(user, PASSWORD);
        // two videos of 3 units empty the bucket of 6
        assertThat(generate(a, "video", VIDEO, token).statusCode()).isEqualTo(202);
        assertThat(generate(a, "video", VIDEO, token).statusCode()).isEqualTo(202);
        var image = png();
        var key = "/" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image)) + ".png";
        var store = a.bean(MediaStore.class);

        var refused = a.postMultipart("/api/generate/edit", Map.of("prompt", "make it dusk"), image, "Authorization", "Bearer " + token);

        assertProblem(refused, 429, "rate-limited");
        assertThat(store.stat("uploads/" + user + key)).isEmpty();

        var other = member();
        var admitted = a.postMultipart("/api/generate/edit", Map.of("prompt", "make it dusk"), image,
                "Authorization", "Bearer " + a.token(other, PASSWORD));
        assertThat(admitted.statusCode()).as(admitted.body()).isEqualTo(202);
        assertThat(store.stat("uploads/" + other + key)).isPresent();
    }

    private static byte[] png() throws Exception {
        var image = new java.awt.image.BufferedImage(96, 64, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(java.awt.Color.ORANGE);
        g.fillRect(0, 0, 48, 64);
        g.dispose();
        var out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static long published(TopicProbe probe, String owner) {
        return probe.all().stream().filter(r -> r.topic().equals(Topics.REQUESTED) && r.value().contains("\"" + owner + "\"")).count();
    }

    @Test
    void nJobsCostNTimesAsMuchAndARequestNoWaitCouldAdmitIsA422() {
        var user = member();
        var token = a.token(user, PASSWORD);
        var two = generate(a, "image", "{\"prompt\":\"a lighthouse at dusk\",\"n\":2}", token);
        assertThat(two.statusCode()).as(two.body()).isEqualTo(202);
        assertThat(json(two)).hasSize(2);
        assertThat(rateLimit(two)).startsWith("\"user\";r=4;").endsWith("\"in-flight\";r=1");

        var four = generate(a, "image", "{\"prompt\":\"a lighthouse at dusk\",\"n\":4}", token);
        assertProblem(four, 422, "request-exceeds-limits");
        assertThat(json(four).get("detail").asString()).contains("4 jobs").contains("Ask for fewer");
        var tooCostly = generate(a, "video", "{\"prompt\":\"waves\",\"n\":3}", token);
        assertProblem(tooCostly, 422, "request-exceeds-limits");
        assertThat(json(tooCostly).get("detail").asString()).contains("costs 9 units");
    }

    @Test
    void twoInstancesDrainOneBucketTogether() {
        var user = member();
        var token = a.token(user, PASSWORD);
        assertThat(rateLimit(generate(a, "video", VIDEO, token))).startsWith("\"user\";r=3;");
        assertThat(rateLimit(generate(b, "video", VIDEO, token))).startsWith("\"user\";r=0;");
        assertProblem(generate(a, "image", IMAGE, token), 429, "rate-limited");
        assertProblem(generate(b, "image", IMAGE, token), 429, "rate-limited");
    }

    @Test
    void concurrentRequestsOnBothInstancesAreChargedExactlyOnce() {
        var user = member();
        var token = a.token(user, PASSWORD);
        // ten videos at once, five on each instance: six units pay for exactly two
        var pool = java.util.concurrent.Executors.newFixedThreadPool(10);
        try {
            var answers = java.util.stream.IntStream.range(0, 10)
                    .mapToObj(i -> java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> generate(i % 2 == 0 ? a : b, "video", VIDEO, token), pool))
                    .toList().stream().map(java.util.concurrent.CompletableFuture::join).toList();
            var statuses = answers.stream().map(HttpResponse::statusCode).toList();
            assertThat(statuses).as(answers.stream().map(HttpResponse::body).toList().toString())
                    .containsOnly(202, 429).filteredOn(code -> code == 202).hasSize(2);
            answers.stream().filter(r -> r.statusCode() == 429)
                    .forEach(r -> assertThat(json(r).get("type").asString()).isEqualTo("/problems/rate-limited"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theInFlightCapRefusesUntilAJobReachesATerminalStatus() {
        var user = member();
        var token = a.token(user, PASSWORD);
        var firstJob = json(generate(a, "image", IMAGE, token)).get("jobId").asString();
        assertThat(generate(b, "image", IMAGE, token).statusCode()).isEqualTo(202);
        assertThat(rateLimit(generate(a, "image", IMAGE, token))).endsWith("\"in-flight\";r=0");

        var refused = generate(b, "image", IMAGE, token);
        assertProblem(refused, 429, "too-many-in-flight");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("10");
        assertThat(json(refused).get("detail").asString()).contains("3 jobs running").contains("/cancel");

        // cancelling on one instance publishes CANCELLED; every instance frees the slot when it reads it
        var cancel = b.call("POST", "/api/jobs/" + firstJob + "/cancel", null, "Authorization", "Bearer " + token);
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> inFlightLeft(a, token) == 1);
        assertThat(generate(a, "image", IMAGE, token).statusCode()).isEqualTo(202);
        assertProblem(generate(b, "image", IMAGE, token), 429, "too-many-in-flight");
    }

    private static long inFlightLeft(AuthTestGateway gateway, String token) {
        var limits = json(gateway.call("GET", "/api/limits", null, "Authorization", "Bearer " + token)).get("limits");
        for (var limit : limits) {
            if (limit.get("policy").asString().equals("in-flight")) {
                return limit.get("remaining").asLong();
            }
        }
        throw new AssertionError("no in-flight limit in " + limits);
    }

    @Test
    void anAdminsDailyQuotaRefusesOnceUsedUpAndClearingItRestoresTheDefault() {
        var user = member();
        var token = a.token(user, PASSWORD);
        var adminAuth = new String[] {"Authorization", "Bearer " + admin};
        var set = a.call("PUT", "/api/admin/users/" + user + "/quota", "{\"dailyQuota\":2}", adminAuth);
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(json(set).get("dailyQuota").asLong()).isEqualTo(2);
        assertThat(json(set).get("source").asString()).isEqualTo("user");

        assertThat(generate(a, "image", IMAGE, token).statusCode()).isEqualTo(202);
        var last = generate(a, "image", IMAGE, token);
        assertThat(last.headers().firstValue("RateLimit-Policy").orElseThrow()).contains("\"daily\";q=2;w=86400");
        assertThat(rateLimit(last)).contains("\"daily\";r=0;");
        var refused = generate(a, "image", IMAGE, token);
        assertProblem(refused, 429, "daily-quota-exceeded");
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 86_400L);
        assertThat(json(refused).get("detail").asString()).contains("used 2 of your 2 units").contains("00:00 UTC")
                .contains("ask an admin");
        var view = json(a.call("GET", "/api/admin/users/" + user + "/quota", null, adminAuth));
        assertThat(view.get("usedToday").asLong()).isEqualTo(2);

        assertThat(a.call("PUT", "/api/admin/users/" + user + "/quota", "{\"dailyQuota\":2}", "Authorization", "Bearer " + token)
                .statusCode()).isEqualTo(403);
        assertProblem(a.call("PUT", "/api/admin/users/" + user + "/quota", "{\"dailyQuota\":-1}", adminAuth), 400, "invalid-request");
        assertProblem(a.call("PUT", "/api/admin/users/nobody-" + user + "/quota", "{\"dailyQuota\":1}", adminAuth), 404, "not-found");

        var cleared = a.call("DELETE", "/api/admin/users/" + user + "/quota", null, adminAuth);
        assertThat(json(cleared).get("source").asString()).isEqualTo("default");
        assertThat(json(cleared).get("dailyQuota").asLong()).isEqualTo(100);
        assertThat(generate(a, "image", IMAGE, token).statusCode()).isEqualTo(202);

        var audit = json(a.call("GET", "/api/admin/audit?limit=50", null, adminAuth));
        var entries = new java.util.ArrayList<String>();
        audit.forEach(entry -> {
            if (user.equals(entry.get("target").asString(null)) && entry.get("action").asString().equals("user.daily-quota")) {
                entries.add(entry.get("detail").toString());
            }
        });
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0)).contains("\"to\":\"default\"");
        assertThat(entries.get(1)).contains("\"from\":\"default\"").contains("\"to\":2");
    }

    @Test
    void anIdempotencyKeyReplayIsNotChargedTwice() {
        var user = member();
        var token = a.token(user, PASSWORD);
        var first = generate(a, "video", VIDEO, token, "Idempotency-Key", "limits-replay-1");
        assertThat(rateLimit(first)).startsWith("\"user\";r=3;");
        var replay = generate(b, "video", VIDEO, token, "Idempotency-Key", "limits-replay-1");
        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(json(replay).get("jobId").asString()).isEqualTo(json(first).get("jobId").asString());
        assertThat(rateLimit(replay)).startsWith("\"user\";r=3;").endsWith("\"in-flight\";r=2");
        assertThat(rateLimit(generate(a, "video", VIDEO, token))).startsWith("\"user\";r=0;");
    }

    @Test
    void anApiKeyDrainsItsOwnBucketAsWellAsItsOwners() {
        var user = member();
        var session = a.token(user, PASSWORD);
        var key = json(a.call("POST", "/api/keys", "{\"name\":\"ci\"}", "Authorization", "Bearer " + session)).get("key").asString();

        var byKey = generate(a, "video", VIDEO, key);
        assertThat(byKey.statusCode()).isEqualTo(202);
        assertThat(byKey.headers().firstValue("RateLimit-Policy").orElseThrow()).startsWith("\"user\";q=6;w=3600, \"api-key\";q=4;w=3600");
        assertThat(rateLimit(byKey)).startsWith("\"user\";r=3;t=").contains("\"api-key\";r=1;t=");

        var refused = generate(b, "video", VIDEO, key);
        assertProblem(refused, 429, "rate-limited");
        assertThat(json(refused).get("policy").asString()).isEqualTo("api-key");
        assertThat(json(refused).get("detail").asString()).contains("This API key has 1 of its 4 units left");

        // the owner's own session still has their remaining units
        assertThat(rateLimit(generate(a, "video", VIDEO, session))).startsWith("\"user\";r=0;");
    }
}
