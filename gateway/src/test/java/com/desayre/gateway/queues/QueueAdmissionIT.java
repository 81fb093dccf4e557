package com.desayre.gateway.queues;

import static com.desayre.gateway.AuthTestGateway.json;
import static com.desayre.gateway.AuthTestGateway.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.contracts.WorkerHeartbeat;
import com.desayre.gateway.AuthTestGateway;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The door of a busy studio, on a real gateway, broker, Redis and Postgres: a request's own limit on waiting
 * ({@code maxWaitSeconds}: checked, carried into {@code generation.requested}, kept by a retry), admission control
 * fed by a worker heartbeat on the real heartbeat topic (a long line is a 503 queue-full with Retry-After and nothing
 * published or charged; a short one admits), and a waiting job's place in line in {@code GET /api/jobs/{id}} and SSE.
 */
class QueueAdmissionIT {
    private static final String ADMIN_PASSWORD = "the admin's admission passphrase";
    private static final String PASSWORD = "a perfectly good passphrase";
    private static final int MAX_WAITING = 20;
    private static final String INSTANCE = "image-worker-admission-it-" + UUID.randomUUID();

    private static AuthTestGateway gateway;
    private static KafkaProducer<String, byte[]> producer;
    private static DataSource db;
    private static String admin;

    @BeforeAll
    static void start() {
        var database = "admission_" + Long.toHexString(System.nanoTime());
        TestServers.postgres().createDatabase(database);
        db = TestServers.postgres().dataSource(database);
        // storage-sink owns the job tables; a retry reads the failed job's inputs from them
        Flyway.configure().dataSource(db).locations("classpath:db/migration")
                .table("flyway_history_storage_sink").load().migrate();
        var extra = new HashMap<>(TestServers.postgres().springProperties(database));
        extra.put("desayre.auth.admin-password", ADMIN_PASSWORD);
        extra.put("desayre.queues.max-waiting", String.valueOf(MAX_WAITING));
        // the test's heartbeats say "every minute": the instance stays live however slow the machine is
        extra.put("desayre.queues.gone-after", "10m");
        gateway = new AuthTestGateway(extra);
        admin = gateway.token("admin", ADMIN_PASSWORD);
        var config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() throws Exception {
        if (producer != null) {
            // the test's worker stops cleanly, so no other test's gateway counts its line
            heartbeat(0, 0, true);
            producer.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private static String member() {
        var username = unique("adm");
        gateway.createUser(admin, username, PASSWORD, "member");
        return username;
    }

    private static HttpResponse<String> generate(String kind, String body, String token) {
        return gateway.call("POST", "/api/generate/" + kind, body, "Authorization", "Bearer " + token);
    }

    private static void heartbeat(long interactive, long batch, boolean stopping) throws Exception {
        var beat = WorkerHeartbeat.of(INSTANCE, "image-worker", "modelslabs", Duration.ofMinutes(1), 5, 5, 0,
                Map.of(Priority.INTERACTIVE, interactive, Priority.BATCH, batch), Map.of("nano-banana-pro", interactive + batch + 5),
                List.of(), true, List.of(), stopping);
        producer.send(new ProducerRecord<>(Topics.WORKER_HEARTBEATS, INSTANCE, EventJson.write(beat))).get();
    }

    private static List<GenerationRequested> published(TopicProbe probe, String owner) {
        return probe.all().stream().filter(r -> r.topic().equals(Topics.REQUESTED))
                .map(r -> EventJson.read(r.value(), GenerationRequested.class))
                .filter(r -> r.spec().ownerId().equals(owner)).toList();
    }

    @Test
    void maxWaitSecondsIsCheckedAndTravelsWithEveryJob() throws Exception {
        var user = member();
        var token = gateway.token(user, PASSWORD);
        for (var wrong : List.of("0", "86401", "-5", "\"soon\"", "1.5")) {
            var refused = generate("image", "{\"prompt\":\"a lighthouse at dusk\",\"maxWaitSeconds\":" + wrong + "}", token);
            assertThat(refused.statusCode()).as(wrong + ": " + refused.body()).isEqualTo(400);
            assertThat(json(refused).get("type").asString()).isEqualTo("/problems/invalid-request");
            assertThat(json(refused).get("errors").get(0).get("field").asString()).isEqualTo("maxWaitSeconds");
        }
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.REQUESTED)) {
            assertThat(generate("image", "{\"prompt\":\"a lighthouse at dusk\",\"maxWaitSeconds\":90,\"n\":2}", token).statusCode())
                    .isEqualTo(202);
            assertThat(generate("video", "{\"prompt\":\"waves on a beach\",\"maxWaitSeconds\":600}", token).statusCode())
                    .isEqualTo(202);
            assertThat(generate("image", "{\"prompt\":\"no limit on waiting\"}", token).statusCode()).isEqualTo(202);
            // a multipart form sends it as a form field
            var upload = gateway.postMultipart("/api/generate/edit", Map.of("prompt", "make it dusk", "maxWaitSeconds", "45"),
                    png(), "Authorization", "Bearer " + token);
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(30)).until(() -> published(probe, user).size() == 5);
            var byPrompt = new HashMap<String, List<Integer>>();
            published(probe, user).forEach(r -> byPrompt.computeIfAbsent(r.spec().prompt(), p -> new java.util.ArrayList<>())
                    .add(r.spec().maxWaitSeconds()));
            assertThat(byPrompt.get("a lighthouse at dusk")).containsExactly(90, 90);
            assertThat(byPrompt.get("waves on a beach")).containsExactly(600);
            assertThat(byPrompt.get("no limit on waiting")).containsExactly((Integer) null);
            assertThat(byPrompt.get("make it dusk")).containsExactly(45);
        }
    }

    @Test
    void aRetryKeepsTheFailedJobsLimitOnWaiting() throws Exception {
        var user = member();
        var token = gateway.token(user, PASSWORD);
        var failed = UUID.randomUUID().toString();
        try (var c = db.getConnection(); var insert = c.prepareStatement("""
                insert into jobs (job_id, owner_id, kind, status, prompt, aspect_ratio, priority, enhance, max_wait_seconds,
                                  error_code, created_at, updated_at)
                values (?, ?, 'IMAGE', 'FAILED', 'a kite over dunes', '1:1', 'BATCH', true, 120, 'EXPIRED_IN_QUEUE', ?, ?)""")) {
            var now = Timestamp.from(Instant.now());
            insert.setString(1, failed);
            insert.setString(2, user);
            insert.setTimestamp(3, now);
            insert.setTimestamp(4, now);
            insert.executeUpdate();
        }
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.REQUESTED)) {
            var retried = gateway.call("POST", "/api/jobs/" + failed + "/retry", null, "Authorization", "Bearer " + token);
            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> published(probe, user).size() == 1);
            var spec = published(probe, user).get(0).spec();
            assertThat(spec.maxWaitSeconds()).isEqualTo(120);
            assertThat(spec.priority()).isEqualTo(Priority.BATCH);
        }
    }

    @Test
    void aLongLineIsRefusedAtTheDoorWithRetryAfterAndAShortOneAdmits() throws Exception {
        var user = member();
        var token = gateway.token(user, PASSWORD);
        // someone else knocks until the gateway has read each heartbeat (it follows the topic on its own)
        var prober = gateway.token(member(), PASSWORD);
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.REQUESTED)) {
            heartbeat(MAX_WAITING + 5, 3, false);
            await().atMost(Duration.ofSeconds(30)).until(() -> generate("image", "{\"prompt\":\"probe\"}", prober).statusCode() == 503);
            var refused = generate("image", "{\"prompt\":\"a lighthouse at dusk\"}", token);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            var problem = json(refused);
            assertThat(problem.get("type").asString()).isEqualTo("/problems/queue-full");
            assertThat(problem.get("waiting").asLong()).isEqualTo(MAX_WAITING + 5);
            assertThat(problem.get("maxWaiting").asInt()).isEqualTo(MAX_WAITING);
            assertThat(problem.get("lane").asString()).isEqualTo("interactive");
            assertThat(problem.get("detail").asString()).contains("nothing was queued or charged").contains("Send it again in about");
            assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 3600L);
            // a batch job waits behind every interactive one: its line is full too
            var batch = generate("image", "{\"prompt\":\"a lighthouse at dusk\",\"priority\":\"batch\"}", token);
            assertThat(batch.statusCode()).as(batch.body()).isEqualTo(503);
            assertThat(json(batch).get("waiting").asLong()).isEqualTo(MAX_WAITING + 5 + 3);
            // nothing charged
            assertThat(json(gateway.call("GET", "/api/limits", null, "Authorization", "Bearer " + token)).get("usedToday").asLong())
                    .isZero();

            // the line moves: 3 places left, and the prober's admitted job takes one of them
            heartbeat(MAX_WAITING - 3, 0, false);
            await().atMost(Duration.ofSeconds(30)).until(() -> generate("image", "{\"prompt\":\"probe\"}", prober).statusCode() == 202);
            // a request of n jobs that would overfill the line is refused whole; one that fits is taken
            assertThat(generate("image", "{\"prompt\":\"three more\",\"n\":3}", token).statusCode()).isEqualTo(503);
            assertThat(generate("image", "{\"prompt\":\"two fit\",\"n\":2}", token).statusCode()).isEqualTo(202);
            assertThat(generate("image", "{\"prompt\":\"one too many\"}", token).statusCode()).isEqualTo(503);
            // videos have a line of their own (no video worker has said anything of it)
            assertThat(generate("video", "{\"prompt\":\"waves on a beach\"}", token).statusCode()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(30)).until(() -> published(probe, user).size() == 3);
            // only admitted requests reached Kafka, and only they were charged (an image 1 unit, a video 5)
            assertThat(published(probe, user)).extracting(r -> r.spec().prompt())
                    .containsExactlyInAnyOrder("two fit", "two fit", "waves on a beach");
            assertThat(json(gateway.call("GET", "/api/limits", null, "Authorization", "Bearer " + token)).get("usedToday").asLong())
                    .isEqualTo(7);
        } finally {
            heartbeat(0, 0, false);
        }
    }

    @Test
    void aWaitingJobShowsItsPlaceInLineInTheApiAndItsStream() throws Exception {
        var user = member();
        var token = gateway.token(user, PASSWORD);
        var jobId = UUID.randomUUID().toString();
        send(StatusChanged.of(jobId, user, JobKind.IMAGE, JobStatus.QUEUED, "gateway", "Waiting for a free slot."));
        send(waiting(jobId, user, 3, 40L));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var view = json(gateway.call("GET", "/api/jobs/" + jobId, null, "Authorization", "Bearer " + token));
            assertThat(view.get("status").asString()).isEqualTo("WAITING");
            var queue = view.get("queue");
            assertThat(queue.get("position").asInt()).isEqualTo(3);
            assertThat(queue.get("ahead").asInt()).isEqualTo(2);
            assertThat(queue.get("etaSeconds").asLong()).isEqualTo(40);
            assertThat(queue.get("model").asString()).isEqualTo("nano-banana-pro");
            assertThat(queue.get("lane").asString()).isEqualTo("INTERACTIVE");
        });

        var http = HttpClient.newHttpClient();
        var stream = http.send(HttpRequest.newBuilder(URI.create(gateway.base + "/api/jobs/" + jobId + "/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        try {
            var seen = new CopyOnWriteArrayList<String>();
            var reading = CompletableFuture.runAsync(() -> stream.body().filter(line -> line.startsWith("data:")).forEach(seen::add));
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.stream().anyMatch(line -> line.contains("\"position\":3")));
            send(waiting(jobId, user, 2, 20L));
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.stream().anyMatch(line -> line.contains("\"position\":2")
                    && line.contains("\"etaSeconds\":20")));
            // once sent to the provider, the job no longer shows a place in line
            send(StatusChanged.of(jobId, user, JobKind.IMAGE, JobStatus.SUBMITTED, "image-worker", "Sent to the provider."));
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.stream().anyMatch(line -> line.contains("\"SUBMITTED\"")));
            var last = AuthTestGateway.JSON.readTree(seen.get(seen.size() - 1).substring("data:".length()));
            assertThat(last.path("queue").isMissingNode() || last.path("queue").isNull()).as(last.toString()).isTrue();
            reading.cancel(true);
        } finally {
            stream.body().close();
        }
    }

    private static byte[] png() throws Exception {
        var image = new java.awt.image.BufferedImage(96, 64, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static StatusChanged waiting(String jobId, String owner, int position, Long eta) {
        return StatusChanged.of(jobId, owner, JobKind.IMAGE, JobStatus.WAITING, "image-worker", "Waiting in line for the provider.")
                .withQueue(new StatusChanged.QueueInfo("nano-banana-pro", Priority.INTERACTIVE, position, position - 1, eta));
    }

    private static void send(StatusChanged status) throws Exception {
        producer.send(new ProducerRecord<>(Topics.STATUS, status.jobId(), EventJson.write(status))).get();
    }
}
