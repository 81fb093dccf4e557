package com.desayre.gateway.queues;

import static com.desayre.gateway.AuthTestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.LaneSwitched;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Topics;
import com.desayre.contracts.WorkerHeartbeat;
import com.desayre.gateway.AuthTestGateway;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Queue status and control against a real gateway, broker and Postgres: DLQ depth and replay
 * (read back off the original topic), lane switches, worker heartbeats with breaker states,
 * consumer lag, who may call it (admins, the worker secret, nobody else) and bad bodies.
 */
class QueueControlIT {
    private static final String ADMIN_PASSWORD = "the admin's queue passphrase";
    private static final String WORKER_SECRET = "a-worker-secret-for-automation-of-at-least-32-bytes";
    private static final String DLQ = Topics.dlq(Topics.IMAGE_REQUESTED);

    private static AuthTestGateway gateway;
    private static KafkaProducer<String, byte[]> producer;
    private static String admin;
    private static String database;

    @BeforeAll
    static void start() {
        database = "queues_" + Long.toHexString(System.nanoTime());
        TestServers.postgres().createDatabase(database);
        var extra = new HashMap<>(TestServers.postgres().springProperties(database));
        extra.put("desayre.auth.admin-password", ADMIN_PASSWORD);
        extra.put("desayre.queues.worker-secret", WORKER_SECRET);
        extra.put("desayre.queues.gone-after", "2m");
        gateway = new AuthTestGateway(extra);
        admin = gateway.token("admin", ADMIN_PASSWORD);
        var config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private static HttpResponse<String> asWorker(String method, String path, String body) {
        return gateway.call(method, path, body, "Authorization", "Bearer " + WORKER_SECRET);
    }

    private static HttpResponse<String> asAdmin(String method, String path, String body) {
        return gateway.call(method, path, body, "Authorization", "Bearer " + admin);
    }

    private static JsonNode status() {
        var response = asWorker("GET", "/api/worker", null);
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response);
    }

    private static long depth(String dlq) {
        for (var entry : status().get("dlqs")) {
            if (entry.get("topic").asString().equals(dlq)) {
                return entry.get("depth").asLong();
            }
        }
        throw new AssertionError("no " + dlq + " in the status");
    }

    private static RecordMetadata send(ProducerRecord<String, byte[]> record) {
        try {
            return producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A dead letter as the binder writes it: the job's key and value, the failure headers. */
    private static RecordMetadata deadLetter(String jobId, String value) {
        var record = new ProducerRecord<String, byte[]>(DLQ, jobId, value.getBytes(StandardCharsets.UTF_8));
        record.headers().add(new RecordHeader("x-original-topic", Topics.IMAGE_REQUESTED.getBytes(StandardCharsets.UTF_8)));
        record.headers().add(new RecordHeader("x-exception-message", "the database was away".getBytes(StandardCharsets.UTF_8)));
        record.headers().add(new RecordHeader("x-exception-fqcn", "java.lang.IllegalStateException".getBytes(StandardCharsets.UTF_8)));
        record.headers().add(new RecordHeader("contentType", "application/json".getBytes(StandardCharsets.UTF_8)));
        return send(record);
    }

    @Test
    void aDeadLetterCountsInDepthAndReplayMovesItBackToItsTopic() {
        var before = depth(DLQ);
        var jobId = UUID.randomUUID().toString();
        var value = "{\"jobId\":\"" + jobId + "\",\"note\":\"a job that failed every delivery\"}";
        deadLetter(jobId, value);
        await().atMost(Duration.ofSeconds(30)).until(() -> depth(DLQ) == before + 1);

        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.IMAGE_REQUESTED)) {
            var replay = asWorker("POST", "/api/worker",
                    "{\"action\":\"replay\",\"dlq\":\"" + DLQ + "\",\"jobIds\":[\"" + jobId + "\"],\"reason\":\"db is back\"}");

            assertThat(replay.statusCode()).isEqualTo(200);
            var answer = json(replay);
            assertThat(answer.get("replayed").asInt()).isEqualTo(1);
            assertThat(answer.get("records").get(0).get("to").asString()).isEqualTo(Topics.IMAGE_REQUESTED);
            var replayed = await().atMost(Duration.ofSeconds(30)).until(
                    () -> probe.records(Topics.IMAGE_REQUESTED, jobId), records -> !records.isEmpty()).get(0);
            assertThat(replayed.value()).isEqualTo(value);
            assertThat(replayed.headers()).containsKey("x-desayre-replayed-from").containsEntry("x-desayre-replayed-by", "worker-secret")
                    .containsEntry("x-desayre-replays", "1").containsEntry("contentType", "application/json")
                    .doesNotContainKeys("x-original-topic", "x-exception-message", "x-exception-fqcn");
        }
        assertThat(depth(DLQ)).isEqualTo(before);

        // the same record is never replayed twice by mistake
        var again = asWorker("POST", "/api/worker", "{\"action\":\"replay\",\"dlq\":\"" + DLQ + "\",\"jobIds\":[\"" + jobId + "\"]}");
        assertThat(json(again).get("replayed").asInt()).isZero();

        var audit = json(asAdmin("GET", "/api/admin/audit?limit=20", null));
        assertThat(audit.valueStream()).anySatisfy(entry -> {
            assertThat(entry.get("actor").asString()).isEqualTo("worker-secret");
            assertThat(entry.get("action").asString()).isEqualTo("queue.dlq.replay");
            assertThat(entry.get("target").asString()).isEqualTo(DLQ);
            assertThat(entry.get("detail").get("count").asInt()).isEqualTo(1);
            assertThat(entry.get("detail").get("reason").asString()).isEqualTo("db is back");
        });
    }

    @Test
    void aHandledRecordThatExpiredFromItsTopicIsForgotten() throws Exception {
        var jobId = UUID.randomUUID().toString();
        var letter = deadLetter(jobId, "{\"jobId\":\"" + jobId + "\"}");
        var discard = asAdmin("POST", "/api/admin/queues", "{\"action\":\"discard\",\"dlq\":\"" + DLQ + "\",\"offsets\":[{\"partition\":"
                + letter.partition() + ",\"offset\":" + letter.offset() + "}]}");
        assertThat(json(discard).get("discarded").asInt()).isEqualTo(1);
        status();
        assertThat(ledgerRows(letter)).as("still in the topic: remembered").isEqualTo(1);

        // retention as Kafka applies it: the partition now starts after the record
        var config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers());
        try (var kafka = Admin.create(config)) {
            kafka.deleteRecords(Map.of(new TopicPartition(DLQ, letter.partition()), RecordsToDelete.beforeOffset(letter.offset() + 1)))
                    .all().get();
        }
        status();

        assertThat(ledgerRows(letter)).isZero();
    }

    private static long ledgerRows(RecordMetadata letter) throws Exception {
        try (var connection = TestServers.postgres().dataSource(database).getConnection();
             var query = connection.prepareStatement(
                     "select count(*) from gateway.dlq_handled where topic = ? and partition = ? and \"offset\" = ?")) {
            query.setString(1, DLQ);
            query.setInt(2, letter.partition());
            query.setLong(3, letter.offset());
            try (var rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    @Test
    void anAdminReplaysOneRecordByOffsetAndDiscardsAnother() {
        var keep = UUID.randomUUID().toString();
        var drop = UUID.randomUUID().toString();
        var kept = deadLetter(keep, "{\"jobId\":\"" + keep + "\"}");
        var dropped = deadLetter(drop, "{\"jobId\":\"" + drop + "\"}");

        var listing = json(asAdmin("GET", "/api/admin/queues/dlq/" + DLQ + "?limit=1000", null));
        assertThat(listing.get("records").valueStream()).anySatisfy(r -> {
            assertThat(r.get("jobId").asString()).isEqualTo(keep);
            assertThat(r.get("offset").asLong()).isEqualTo(kept.offset());
            assertThat(r.get("failure").asString()).isEqualTo("the database was away");
            assertThat(r.get("origin").asString()).isEqualTo(Topics.IMAGE_REQUESTED);
        });

        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.IMAGE_REQUESTED)) {
            var replay = asAdmin("POST", "/api/admin/queues", "{\"action\":\"replay\",\"dlq\":\"" + DLQ + "\",\"offsets\":[{\"partition\":"
                    + kept.partition() + ",\"offset\":" + kept.offset() + "}]}");
            assertThat(json(replay).get("replayed").asInt()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> !probe.records(Topics.IMAGE_REQUESTED, keep).isEmpty());
            var discard = asAdmin("POST", "/api/admin/queues", "{\"action\":\"discard\",\"dlq\":\"" + DLQ + "\",\"offsets\":[{\"partition\":"
                    + dropped.partition() + ",\"offset\":" + dropped.offset() + "}]}");
            assertThat(json(discard).get("discarded").asInt()).isEqualTo(1);
            assertThat(probe.records(Topics.IMAGE_REQUESTED, drop)).isEmpty();
        }
        var after = json(asAdmin("GET", "/api/admin/queues/dlq/" + DLQ + "?limit=1000", null));
        assertThat(after.get("records").valueStream().filter(r -> r.get("jobId").asString().equals(drop)))
                .singleElement().satisfies(r -> assertThat(r.get("handled").asString()).isEqualTo("discard"));
        assertThat(after.get("records").valueStream().filter(r -> r.get("jobId").asString().equals(keep)))
                .singleElement().satisfies(r -> assertThat(r.get("handled").asString()).isEqualTo("replay"));
    }

    @Test
    void pausingALanePublishesASwitchEveryWorkerReadsAndResumeLiftsIt() {
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.LANE_SWITCHES)) {
            var pause = asAdmin("POST", "/api/worker", "{\"action\":\"pause\",\"lane\":\"batch\",\"worker\":\"video-worker\","
                    + "\"reason\":\"provider maintenance\"}");
            try {
                assertThat(pause.statusCode()).isEqualTo(202);
                var key = LaneSwitched.key("video-worker", Priority.BATCH);
                var record = await().atMost(Duration.ofSeconds(30)).until(() -> probe.records(Topics.LANE_SWITCHES, key),
                        r -> !r.isEmpty()).get(0);
                var switched = EventJson.read(record.value(), LaneSwitched.class);
                assertThat(switched.paused()).isTrue();
                assertThat(switched.requestedBy()).isEqualTo("admin");
                assertThat(switched.reason()).isEqualTo("provider maintenance");
                await().atMost(Duration.ofSeconds(30)).until(() -> lane("video-worker", "BATCH").get("paused").asBoolean());
                assertThat(lane("image-worker", "BATCH").get("paused").asBoolean()).isFalse();
            } finally {
                var resume = asAdmin("POST", "/api/worker", "{\"action\":\"resume\",\"lane\":\"BATCH\"}");
                assertThat(resume.statusCode()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> !lane("video-worker", "BATCH").get("paused").asBoolean());
            assertThat(probe.records(Topics.LANE_SWITCHES, LaneSwitched.key("image-worker", Priority.BATCH))).isNotEmpty();
        }
        var audit = json(asAdmin("GET", "/api/admin/audit?limit=20", null));
        assertThat(audit.valueStream().map(e -> e.get("action").asString())).contains("queue.lane.pause", "queue.lane.resume");
    }

    private static JsonNode lane(String service, String lane) {
        for (var entry : status().get("lanes")) {
            if (entry.get("service").asString().equals(service) && entry.get("lane").asString().equals(lane)) {
                return entry;
            }
        }
        throw new AssertionError("no lane " + service + "/" + lane);
    }

    private static WorkerHeartbeat heartbeat(String instance, Instant at, String breakerState, boolean stopping) {
        var beat = WorkerHeartbeat.of(instance, "image-worker", "modelslabs", Duration.ofSeconds(5), 2, 3, 2,
                Map.of(Priority.INTERACTIVE, 1L, Priority.BATCH, 4L), Map.of("nano-banana-pro", 5L), List.of(Priority.BATCH), true,
                List.of(new WorkerHeartbeat.Breaker("nano-banana-pro", "modelslabs-nano-banana-pro", breakerState, 60f, 10, 7)),
                stopping);
        return new WorkerHeartbeat(beat.schemaVersion(), beat.eventId(), at, beat.instanceId(), beat.service(), beat.provider(),
                beat.everyMillis(), beat.stepsRunning(), beat.atProvider(), beat.providerQueueFree(), beat.waiting(), beat.open(),
                beat.pausedLanes(), beat.lanesKnown(), beat.breakers(), beat.stopping());
    }

    private static JsonNode worker(String instance) {
        for (var entry : status().get("workers")) {
            if (entry.get("instanceId").asString().equals(instance)) {
                return entry;
            }
        }
        return null;
    }

    @Test
    void heartbeatsShowEachInstanceItsBreakersAndWhetherItIsStillThere() {
        var live = "image-worker-" + UUID.randomUUID();
        var silent = "image-worker-" + UUID.randomUUID();
        var stopped = "image-worker-" + UUID.randomUUID();
        send(new ProducerRecord<>(Topics.WORKER_HEARTBEATS, live, EventJson.write(heartbeat(live, Instant.now(), "OPEN", false))));
        send(new ProducerRecord<>(Topics.WORKER_HEARTBEATS, silent,
                EventJson.write(heartbeat(silent, Instant.now().minus(Duration.ofMinutes(10)), "CLOSED", false))));
        send(new ProducerRecord<>(Topics.WORKER_HEARTBEATS, stopped, EventJson.write(heartbeat(stopped, Instant.now(), "CLOSED", true))));

        var seen = await().atMost(Duration.ofSeconds(30)).until(() -> worker(live), w -> w != null);
        assertThat(seen.get("state").asString()).isEqualTo("live");
        assertThat(seen.get("stepsRunning").asInt()).isEqualTo(2);
        assertThat(seen.get("atProvider").asInt()).isEqualTo(3);
        assertThat(seen.get("waiting").get("BATCH").asLong()).isEqualTo(4);
        assertThat(seen.get("pausedLanes").get(0).asString()).isEqualTo("BATCH");
        var breaker = seen.get("breakers").get(0);
        assertThat(breaker.get("instance").asString()).isEqualTo("modelslabs-nano-banana-pro");
        assertThat(breaker.get("state").asString()).isEqualTo("OPEN");
        assertThat(breaker.get("notPermitted").asLong()).isEqualTo(7);
        await().atMost(Duration.ofSeconds(30)).until(() -> worker(silent) != null && worker(stopped) != null);
        assertThat(worker(silent).get("state").asString()).isEqualTo("gone");
        assertThat(worker(stopped).get("state").asString()).isEqualTo("stopped");

        // a tombstone forgets an instance
        send(new ProducerRecord<>(Topics.WORKER_HEARTBEATS, stopped, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> worker(stopped) == null);
    }

    @Test
    void lagIsShownPerGroupTopicAndPartition() throws Exception {
        var group = "lag-probe-" + UUID.randomUUID();
        var gone = "anonymous." + UUID.randomUUID();
        var sent = send(new ProducerRecord<>(Topics.REQUESTED, UUID.randomUUID().toString(), "{}".getBytes(StandardCharsets.UTF_8)));
        var config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers());
        try (var kafka = Admin.create(config)) {
            // a group that has read nothing of this partition: all of it is lag
            kafka.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(Topics.REQUESTED, sent.partition()),
                    new OffsetAndMetadata(0))).all().get();
            // what a stopped gateway's per-instance SSE feed leaves behind: it never comes back, so it is not lag
            kafka.alterConsumerGroupOffsets(gone, Map.of(new TopicPartition(Topics.REQUESTED, sent.partition()),
                    new OffsetAndMetadata(0))).all().get();
        }
        var consumers = status().get("consumers");
        assertThat(consumers.valueStream().map(c -> c.get("group").asString())).doesNotContain(gone);
        assertThat(consumers.valueStream().filter(c -> c.get("group").asString().equals(group))).singleElement().satisfies(c -> {
            assertThat(c.get("topic").asString()).isEqualTo(Topics.REQUESTED);
            assertThat(c.get("lag").asLong()).isGreaterThanOrEqualTo(sent.offset() + 1);
            assertThat(c.get("partitions").get(0).get("partition").asInt()).isEqualTo(sent.partition());
            assertThat(c.get("partitions").get(0).get("committed").asLong()).isZero();
        });
        assertThat(status().get("kafka").get("available").asBoolean()).isTrue();
    }

    @Test
    void onlyAdminsAndTheWorkerSecretMayCallTheQueueEndpoints() {
        assertProblem(gateway.call("GET", "/api/worker", null), 401, "/problems/unauthorized");
        assertProblem(gateway.call("GET", "/api/worker", null, "X-Worker-Secret", "not-the-secret"), 401, "/problems/unauthorized");
        assertProblem(gateway.call("POST", "/api/worker", "{\"action\":\"resume\",\"lane\":\"batch\"}",
                "Authorization", "Bearer not-the-secret"), 401, "/problems/unauthorized");

        var member = AuthTestGateway.unique("member");
        gateway.createUser(admin, member, "a member's good passphrase", "member");
        var memberToken = gateway.token(member, "a member's good passphrase");
        var forbidden = gateway.call("POST", "/api/worker", "{\"action\":\"resume\",\"lane\":\"batch\"}",
                "Authorization", "Bearer " + memberToken);
        assertProblem(forbidden, 403, "/problems/forbidden");
        assertThat(json(forbidden).get("detail").asString()).contains("WORKER_SECRET");
        assertProblem(gateway.call("GET", "/api/admin/queues", null, "Authorization", "Bearer " + memberToken), 403,
                "/problems/forbidden");

        // the secret opens the queue endpoints and nothing else
        assertThat(gateway.call("GET", "/api/worker", null, "X-Worker-Secret", WORKER_SECRET).statusCode()).isEqualTo(200);
        assertProblem(asWorker("GET", "/api/admin/stats", null), 403, "/problems/forbidden");
        assertProblem(asWorker("GET", "/api/admin/users", null), 403, "/problems/forbidden");
        assertProblem(asWorker("GET", "/api/history", null), 403, "/problems/forbidden");
        assertProblem(gateway.call("GET", "/api/auth/me", null, "X-Worker-Secret", WORKER_SECRET), 403, "/problems/forbidden");
    }

    @Test
    void badActionBodiesAre400sNamingTheField() {
        assertInvalid(asAdmin("POST", "/api/worker", "{}"), "action");
        assertInvalid(asAdmin("POST", "/api/worker", "{\"action\":\"explode\"}"), "action");
        assertInvalid(asAdmin("POST", "/api/worker", "{\"action\":\"pause\"}"), "lane");
        assertInvalid(asAdmin("POST", "/api/worker", "{\"action\":\"pause\",\"lane\":\"night\"}"), "lane");
        assertInvalid(asAdmin("POST", "/api/worker", "{\"action\":\"pause\",\"lane\":\"batch\",\"worker\":\"gateway\"}"), "worker");
        assertInvalid(asAdmin("POST", "/api/worker", "{\"action\":\"pause\",\"lane\":\"batch\",\"dlq\":\"" + DLQ + "\"}"), "dlq");
        assertInvalid(asAdmin("POST", "/api/worker", "{\"action\":\"replay\",\"all\":true}"), "dlq");
        assertInvalid(asAdmin("POST", "/api/worker", "{\"action\":\"replay\",\"dlq\":\"generation.status\",\"all\":true}"), "dlq");
        assertInvalid(asAdmin("POST", "/api/worker", "{\"action\":\"replay\",\"dlq\":\"" + DLQ + "\"}"), "all");
        assertInvalid(asAdmin("POST", "/api/worker", "{\"action\":\"replay\",\"dlq\":\"" + DLQ + "\",\"all\":true,\"jobIds\":[\"a\"]}"),
                "all");
        assertInvalid(asAdmin("POST", "/api/worker", "{\"action\":\"replay\",\"dlq\":\"" + DLQ + "\",\"offsets\":[{\"partition\":-1,"
                + "\"offset\":2}]}"), "offsets[0]");
        assertInvalid(asAdmin("POST", "/api/worker", "{\"action\":\"replay\",\"dlq\":\"" + DLQ + "\",\"jobIds\":[]}"), "jobIds");
        assertInvalid(asAdmin("POST", "/api/worker", "{\"action\":\"resume\",\"lane\":\"batch\",\"lanes\":[\"batch\"]}"), "lanes");
        assertInvalid(asAdmin("GET", "/api/admin/queues/dlq/generation.status", null), "topic");
        var malformed = asAdmin("POST", "/api/worker", "{\"action\":");
        assertProblem(malformed, 400, "/problems/malformed-json");
    }

    private static void assertInvalid(HttpResponse<String> response, String field) {
        assertProblem(response, 400, "/problems/invalid-request");
        assertThat(json(response).get("errors").valueStream().map(e -> e.get("field").asString())).contains(field);
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(json(response).get("type").asString()).isEqualTo(type);
        assertThat(response.body()).doesNotContain(WORKER_SECRET).doesNotContain("Exception");
    }
}
