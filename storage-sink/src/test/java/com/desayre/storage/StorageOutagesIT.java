package com.desayre.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.embedded.PostgresServer;
import com.desayre.embedded.S3MockServer;
import com.desayre.embedded.SpringProperties;
import com.desayre.platform.MediaStore;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * storage-sink waits out an outage of its media store or of Postgres, however long, in place
 * ({@code DatabaseOutages.waitOut}): no valid record is dead-lettered for it, and the job completes once the server is back. Each test has its own S3Mock and Postgres
 * (restarted on the same port and data directory), so the shared ones stay up; Kafka is shared.
 */
class StorageOutagesIT {
    private static final String BUCKET = "outage-media";
    private static final String DATABASE = "desayre";
    private static final List<String> BINDINGS = List.of("storeMedia-in-0", "projectStatus-in-0", "recordRequest-in-0",
            "handleControl-in-0", "projectLedger-in-0");

    private static FileServer cdn;

    /** What a test opened, latest first: closed in its finally block. */
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    @BeforeAll
    static void startCdn() throws Exception {
        cdn = new FileServer();
    }

    @AfterAll
    static void stopCdn() {
        cdn.close();
    }

    @Test
    void anOutageOfTheMediaStoreIsWaitedOut() throws Exception {
        var dir = Files.createTempDirectory("sink-outage-s3-");
        try {
            var s3 = open(S3MockServer.start(0, dir.resolve("s3"), List.of(BUCKET)));
            var pg = open(PostgresServer.start(0, dir.resolve("pg")));
            var group = "storage-sink-s3";
            var harness = open(new SinkHarness(TestServers.kafka(), properties(s3, pg, group, dir)));
            awaitAssigned(group + "-outage");
            var jobId = SinkHarness.newJobId();
            var url = cdn.serve("/" + jobId + ".png", SinkHarness.png(320, 200));
            try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.STATUS)) {
                s3.close();
                harness.mediaReady(SinkHarness.ready(jobId, url));
                await().atMost(Duration.ofSeconds(60)).until(() -> has(probe, jobId, JobStatus.STORING));
                assertThat(statuses(probe, jobId)).noneMatch(s -> s.status() == JobStatus.COMPLETED);

                s3 = open(S3MockServer.start(s3.port(), dir.resolve("s3"), List.of(BUCKET)));
                await().atMost(Duration.ofSeconds(90)).until(() -> has(probe, jobId, JobStatus.COMPLETED));

                var media = completed(probe, jobId).media().get(0);
                assertThat(media.key()).isEqualTo(jobId + "/0.png");
                // the sink's store points at the same endpoint, now the restarted server
                assertThat(harness.sink.getBean(MediaStore.class).stat(media.key())).isPresent();
                assertThat(count(pg, "select count(*) from media where job_id = ?", jobId)).isEqualTo(1);
                assertThat(statuses(probe, jobId)).noneMatch(s -> s.status() == JobStatus.FAILED);
            }
        } finally {
            closeAll();
            delete(dir);
        }
    }

    /**
     * An outage is waited out, however long; any other failure of a valid record is retried by the binding a bounded
     * number of times. {@code max-attempts} counts retries in Spring Cloud Stream 5, so {@code max-attempts: 2} is
     * three deliveries: a provider URL that answers 404 every time fails the job on the third (its
     * {@code max-attempts + 1}), never on a delivery before it, and the record goes to the DLQ once.
     */
    @Test
    void aResultThatCannotBeFetchedEndsTheJobStorageFailedOnTheLastDelivery() throws Exception {
        var dir = Files.createTempDirectory("sink-outage-gone-");
        try {
            var s3 = open(S3MockServer.start(0, dir.resolve("s3"), List.of(BUCKET)));
            var pg = open(PostgresServer.start(0, dir.resolve("pg")));
            var group = "storage-sink-gone";
            var properties = properties(s3, pg, group, dir);
            var store = "spring.cloud.stream.bindings.storeMedia-in-0.consumer.";
            properties.put(store + "max-attempts", "2");
            var harness = open(new SinkHarness(TestServers.kafka(), properties));
            awaitAssigned(group + "-outage");
            var jobId = SinkHarness.newJobId();
            // a URL the CDN answers 404, every time
            var url = cdn.serve("/served-" + jobId + ".png", SinkHarness.png(8, 8)).replace("/served-", "/missing-");
            try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.STATUS, Topics.dlq(Topics.MEDIA_READY))) {
                harness.mediaReady(SinkHarness.ready(jobId, url));
                await().atMost(Duration.ofSeconds(60)).until(() -> has(probe, jobId, JobStatus.FAILED)
                        && !probe.records(Topics.dlq(Topics.MEDIA_READY), jobId).isEmpty());

                var failed = statuses(probe, jobId).stream().filter(s -> s.status() == JobStatus.FAILED).toList();
                assertThat(failed).hasSize(1);
                assertThat(failed.get(0).error().code()).isEqualTo("STORAGE_FAILED");
                assertThat(failed.get(0).error().message()).contains("after 3 tries");
                // one STORING per delivery: three deliveries, the FAILED after the last
                assertThat(statuses(probe, jobId).stream().filter(s -> s.status() == JobStatus.STORING)).hasSize(3);
                assertThat(probe.records(Topics.dlq(Topics.MEDIA_READY), jobId)).hasSize(1);
            }
        } finally {
            closeAll();
            delete(dir);
        }
    }

    /**
     * PostgreSQL stopped for longer than every binding's deliveries last (one retry, 0.1 s apart: the old bound)
     * while a record arrives on each of storage-sink's five bindings: every consumer waits the outage out, and
     * afterwards each record is applied once and no DLQ holds any of them.
     */
    @Test
    void anOutageOfPostgresIsWaitedOutByEveryConsumerAndNothingIsDeadLettered() throws Exception {
        var dir = Files.createTempDirectory("sink-outage-pg-");
        try {
            var s3 = open(S3MockServer.start(0, dir.resolve("s3"), List.of(BUCKET)));
            var pg = open(PostgresServer.start(0, dir.resolve("pg")));
            var group = "storage-sink-pg";
            var harness = open(new SinkHarness(TestServers.kafka(), properties(s3, pg, group, dir)));
            awaitAssigned(group + "-outage");
            var stored = SinkHarness.newJobId();
            var projected = SinkHarness.newJobId();
            var requested = java.util.UUID.randomUUID().toString(); // request records name their job by a UUID
            var deleted = SinkHarness.newJobId();
            var url = cdn.serve("/" + stored + ".png", SinkHarness.png(320, 200));
            var dlqs = List.of(Topics.dlq(Topics.MEDIA_READY), ProjectStatus.DLQ, RecordRequests.DLQ,
                    "generation.control.storage-sink.dlq", Topics.dlq(Topics.LEDGER));
            var watched = new java.util.ArrayList<>(dlqs);
            watched.add(Topics.STATUS);
            try (var probe = TopicProbe.watch(TestServers.kafka(), watched)) {
                harness.status(StatusChanged.of(deleted, SinkHarness.spec(), JobStatus.ENCODED, "prompt-encoder", "Encoded."));
                var before = pg;
                await().atMost(Duration.ofSeconds(30)).until(() -> count(before, "select count(*) from jobs where job_id = ?", deleted) == 1);

                pg.close();
                harness.mediaReady(SinkHarness.ready(stored, url));
                harness.status(StatusChanged.of(projected, SinkHarness.spec(), JobStatus.ENCODED, "prompt-encoder", "Encoded."));
                harness.status(StatusChanged.of(projected, SinkHarness.spec(), JobStatus.PROCESSING, "image-worker", "Working."));
                harness.publish(Topics.REQUESTED, requested, com.desayre.contracts.GenerationRequested.of(requested,
                        new com.desayre.contracts.JobSpec("ada", com.desayre.contracts.JobKind.IMAGE, "a lighthouse at dusk", "1:1",
                                1024, 1024, null, null, true, com.desayre.contracts.Priority.INTERACTIVE, null)));
                harness.publish(Topics.LEDGER, requested, com.desayre.contracts.CostIncurred.of(
                        com.desayre.contracts.CostIncurred.chargeId(requested, "req-1"), requested, SinkHarness.spec(),
                        SinkHarness.ready(requested).route(), com.desayre.contracts.CostIncurred.Entry.CHARGE, 1, 0, null, "USD",
                        40_000, null, false, "req-1", 1, "The provider took the submission."));
                harness.publish(Topics.CONTROL, deleted, com.desayre.contracts.ControlRequested.of(deleted,
                        com.desayre.contracts.ControlRequested.Action.DELETE, "ada", "ada"));
                // longer than any binding's deliveries: before, each record was on its DLQ within about a second
                await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10))
                        .until(() -> !has(probe, stored, JobStatus.COMPLETED) && dlqs.stream().allMatch(dlq -> probe.all().stream()
                                .noneMatch(r -> r.topic().equals(dlq))));

                pg = open(PostgresServer.start(pg.port(), dir.resolve("pg")));
                var back = pg;
                await().atMost(Duration.ofSeconds(90)).until(() -> has(probe, stored, JobStatus.COMPLETED)
                        && count(back, "select count(*) from jobs where job_id = ? and status = 'PROCESSING'", projected) == 1
                        && count(back, "select count(*) from jobs where job_id = ? and prompt is not null", requested) == 1
                        && count(back, "select count(*) from ledger_entries where job_id = ?", requested) == 1
                        && count(back, "select count(*) from jobs where job_id = ? and deleted_at is not null", deleted) == 1);

                var media = completed(probe, stored).media().get(0);
                assertThat(media.key()).isEqualTo(stored + "/0.png");
                assertThat(harness.sink.getBean(MediaStore.class).stat(media.key())).isPresent();
                assertThat(count(pg, "select count(*) from media where job_id = ?", stored)).isEqualTo(1);
                assertThat(statuses(probe, stored)).noneMatch(s -> s.status() == JobStatus.FAILED);
                assertThat(statuses(probe, stored).stream().filter(s -> s.status() == JobStatus.COMPLETED)).hasSize(1);
                assertThat(count(pg, "select count(*) from job_status_events where job_id = ?", projected)).isEqualTo(2);
                assertThat(probe.all()).noneMatch(r -> dlqs.contains(r.topic()));
            }
        } finally {
            closeAll();
            delete(dir);
        }
    }

    /**
     * The sink against these servers, with one quick retry per binding (0.1 s) and its own consumer
     * groups ({@code <group>-outage}, {@code <group>-status-outage}, …) that start at the topics' ends.
     */
    private static Map<String, String> properties(S3MockServer s3, PostgresServer pg, String group, Path dir) {
        var properties = new HashMap<String, String>();
        properties.putAll(TestServers.kafkaProperties());
        properties.putAll(SpringProperties.postgres(pg, DATABASE));
        properties.putAll(SpringProperties.s3(s3, BUCKET));
        properties.put("desayre.data-dir", dir.resolve("sink").toString());
        var suffixes = Map.of("storeMedia-in-0", "", "projectStatus-in-0", "-status", "recordRequest-in-0", "-requests",
                "handleControl-in-0", "-control", "projectLedger-in-0", "-ledger");
        for (var binding : BINDINGS) {
            // a bound far shorter than any outage here: what the sink waits out, it waits out in place
            properties.put("spring.cloud.stream.bindings." + binding + ".consumer.max-attempts", "1");
            properties.put("spring.cloud.stream.bindings." + binding + ".consumer.back-off-initial-interval", "100");
            properties.put("spring.cloud.stream.bindings." + binding + ".consumer.back-off-max-interval", "100");
            properties.put("spring.cloud.stream.bindings." + binding + ".group", group + suffixes.get(binding) + "-outage");
            properties.put("spring.cloud.stream.kafka.bindings." + binding + ".consumer.start-offset", "latest");
        }
        return properties;
    }

    /**
     * Waits until the storeMedia group has a committed position on every partition of
     * {@code generation.media.ready}: its consumer is assigned and positioned at the end (a group
     * starting at "latest" would skip a record published before that).
     */
    private static void awaitAssigned(String group) {
        var config = new Properties();
        config.put("bootstrap.servers", TestServers.kafka().bootstrapServers());
        try (var admin = Admin.create(config)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get().keySet().stream()
                    .filter(tp -> tp.topic().equals(Topics.MEDIA_READY)).count() == TestServers.TOPIC_PARTITIONS);
        }
    }

    private <T extends AutoCloseable> T open(T closeable) {
        opened.push(closeable);
        return closeable;
    }

    private void closeAll() {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    private static void delete(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            // a leftover under target/ is harmless
        }
    }

    private static List<StatusChanged> statuses(TopicProbe probe, String jobId) {
        return probe.records(Topics.STATUS, jobId).stream().map(r -> EventJson.read(r.value(), StatusChanged.class)).toList();
    }

    private static boolean has(TopicProbe probe, String jobId, JobStatus status) {
        return statuses(probe, jobId).stream().anyMatch(s -> s.status() == status);
    }

    private static StatusChanged completed(TopicProbe probe, String jobId) {
        return statuses(probe, jobId).stream().filter(s -> s.status() == JobStatus.COMPLETED).findFirst().orElseThrow();
    }

    private static long count(PostgresServer pg, String sql, String jobId) throws Exception {
        try (var connection = pg.dataSource(DATABASE).getConnection(); var statement = connection.prepareStatement(sql)) {
            statement.setString(1, jobId);
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
