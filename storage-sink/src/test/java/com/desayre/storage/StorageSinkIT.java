package com.desayre.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.platform.MediaStore;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** storage-sink against the test kit's real Kafka, PostgreSQL and S3 server. */
class StorageSinkIT {
    private static SinkHarness harness;
    private static FileServer cdn;
    private static MediaStore store;
    private static DataSource db;

    @BeforeAll
    static void start() throws Exception {
        var properties = new HashMap<>(TestServers.springProperties());
        properties.put("desayre.data-dir", System.getProperty("java.io.tmpdir") + "/sink-it");
        harness = new SinkHarness(TestServers.kafka(), properties);
        store = harness.sink.getBean(MediaStore.class);
        db = TestServers.postgres().dataSource("desayre");
        cdn = new FileServer();
    }

    @AfterAll
    static void stop() {
        cdn.close();
        harness.close();
    }

    private static List<StatusChanged> statuses(TopicProbe probe, String jobId) {
        return probe.records(Topics.STATUS, jobId).stream().map(r -> EventJson.read(r.value(), StatusChanged.class)).toList();
    }

    private static boolean has(TopicProbe probe, String jobId, JobStatus status) {
        return statuses(probe, jobId).stream().anyMatch(s -> s.status() == status);
    }

    private static long count(String sql, String jobId) throws Exception {
        try (var connection = db.getConnection(); var statement = connection.prepareStatement(sql)) {
            statement.setString(1, jobId);
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * A record that can never be processed goes to its binding's DLQ on its first delivery (not after
     * retries that would hold up the partition), and the records behind it flow; a request record that
     * breaks the request rules is not recorded (prompt-encoder refuses it) and is not dead-lettered here.
     */
    @Test
    void poisonRecordsGoToTheirDlqAtOnceAndTheNextRecordsFlow() throws Exception {
        var statusPoison = SinkHarness.newJobId();
        var emptyStatus = SinkHarness.newJobId();
        var controlPoison = SinkHarness.newJobId();
        var mediaPoison = SinkHarness.newJobId();
        var ledgerPoison = SinkHarness.newJobId();
        var nulRequest = java.util.UUID.randomUUID().toString();
        var next = SinkHarness.newJobId();
        var dlqs = new String[] {"generation.status.storage-sink.dlq", "generation.control.storage-sink.dlq",
                Topics.dlq(Topics.MEDIA_READY), "generation.requested.storage-sink.dlq", Topics.dlq(Topics.LEDGER)};
        try (var probe = TopicProbe.watch(TestServers.kafka(), dlqs)) {
            harness.publishRaw(Topics.STATUS, statusPoison, "not json at all");
            harness.publishRaw(Topics.STATUS, emptyStatus, "{}");
            harness.publishRaw(Topics.CONTROL, controlPoison, "{\"action\":");
            harness.publishRaw(Topics.MEDIA_READY, mediaPoison, "[]");
            harness.publishRaw(Topics.LEDGER, ledgerPoison, "{\"entryId\":");
            // the same key: behind the poison in its partition
            harness.publish(Topics.LEDGER, ledgerPoison, com.desayre.contracts.CostIncurred.of(com.desayre.contracts.CostIncurred
                    .chargeId(ledgerPoison, "req-1"), ledgerPoison, SinkHarness.spec(), SinkHarness.ready(ledgerPoison).route(),
                    com.desayre.contracts.CostIncurred.Entry.CHARGE, 1, 0, null, "USD", 40_000, null, false, "req-1", 1,
                    "The provider took the submission."));
            harness.publish(Topics.REQUESTED, nulRequest, com.desayre.contracts.GenerationRequested.of(nulRequest,
                    new com.desayre.contracts.JobSpec("ada", com.desayre.contracts.JobKind.IMAGE, "nul \u0000", "1:1", 1024, 1024,
                            null, null, true, com.desayre.contracts.Priority.INTERACTIVE, null)));
            harness.status(StatusChanged.of(next, SinkHarness.spec(), JobStatus.ENCODED, "prompt-encoder", "Encoded."));

            // deliveries before the DLQ take 1+2+4+... s of backoff: at once means well within the first backoff
            await().atMost(Duration.ofSeconds(20)).until(() -> count("select count(*) from jobs where job_id = ?", next) == 1
                    && probe.records(dlqs[0], statusPoison).size() == 1 && probe.records(dlqs[0], emptyStatus).size() == 1
                    && probe.records(dlqs[1], controlPoison).size() == 1 && probe.records(dlqs[2], mediaPoison).size() == 1
                    && probe.records(dlqs[4], ledgerPoison).size() == 1
                    && count("select count(*) from ledger_entries where job_id = ?", ledgerPoison) == 1);
            assertThat(probe.records(dlqs[4], ledgerPoison).get(0).headers()).containsEntry("x-original-topic", Topics.LEDGER);
            assertThat(probe.records(dlqs[0], statusPoison).get(0).headers()).containsEntry("x-original-topic", Topics.STATUS);
            assertThat(probe.records(dlqs[3], nulRequest)).isEmpty();
            assertThat(count("select count(*) from jobs where job_id = ?", nulRequest)).isZero();
        }
    }

    @Test
    void anOutputIsStoredWithItsThumbnailAndTheJobCompletes() throws Exception {
        var jobId = SinkHarness.newJobId();
        var url = cdn.serve("/" + jobId + ".png", SinkHarness.png(1200, 800));
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.STATUS)) {
            harness.mediaReady(SinkHarness.ready(jobId, url));
            await().atMost(Duration.ofSeconds(30)).until(() -> has(probe, jobId, JobStatus.COMPLETED));
            var completed = statuses(probe, jobId).stream().filter(s -> s.status() == JobStatus.COMPLETED).findFirst().orElseThrow();
            var media = completed.media().get(0);
            assertThat(media.key()).isEqualTo(jobId + "/0.png");
            assertThat(media.width()).isEqualTo(1200);
            assertThat(media.height()).isEqualTo(800);
            assertThat(media.thumbnailKey()).isEqualTo(jobId + "/0.thumb.jpg");
            assertThat(store.stat(media.key())).isPresent();
            assertThat(store.stat(media.thumbnailKey()).orElseThrow().contentType()).isEqualTo("image/jpeg");
            assertThat(statuses(probe, jobId).get(0).status()).isEqualTo(JobStatus.STORING);
            // the seed the provider used is kept with the output (the libraries show it for reuse)
            assertThat(count("select count(*) from media where job_id = ? and seed = 7", jobId)).isEqualTo(1);
        }
    }

    @Test
    void aVideoIsStoredAsMp4WithAPosterFrameThumbnail() throws Exception {
        var jobId = SinkHarness.newJobId();
        var url = cdn.serve("/" + jobId + ".mp4", mp4(320, 180, 24));
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.STATUS)) {
            harness.mediaReady(SinkHarness.ready(jobId, url));
            await().atMost(Duration.ofSeconds(30)).until(() -> has(probe, jobId, JobStatus.COMPLETED));
            var media = statuses(probe, jobId).stream().filter(s -> s.status() == JobStatus.COMPLETED).findFirst().orElseThrow()
                    .media().get(0);
            assertThat(media.key()).isEqualTo(jobId + "/0.mp4");
            assertThat(media.mimeType()).isEqualTo("video/mp4");
            assertThat(media.width()).isEqualTo(320);
            assertThat(media.height()).isEqualTo(180);
            assertThat(media.durationMillis()).isEqualTo(1000L); // 24 frames at 24 fps
            assertThat(count("select count(*) from media where job_id = ? and duration_millis = 1000 and width = 320", jobId))
                    .isEqualTo(1);
            assertThat(media.thumbnailKey()).isEqualTo(jobId + "/0.thumb.jpg");
            var thumb = store.stat(media.thumbnailKey()).orElseThrow();
            assertThat(thumb.contentType()).isEqualTo("image/jpeg");
            java.awt.image.BufferedImage poster;
            try (var in = store.open(media.thumbnailKey(), 0, thumb.size())) {
                poster = javax.imageio.ImageIO.read(in);
            }
            assertThat(poster.getWidth()).isEqualTo(320);
            assertThat(poster.getHeight()).isEqualTo(180);
        }
    }

    /** A real H.264 MP4 of one second: a colour sweep. */
    private static byte[] mp4(int width, int height, int frames) throws Exception {
        var file = java.nio.file.Files.createTempFile("sink-it-", ".mp4");
        try {
            var encoder = org.jcodec.api.awt.AWTSequenceEncoder.createSequenceEncoder(file.toFile(), 24);
            var frame = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
            for (int i = 0; i < frames; i++) {
                var g = frame.createGraphics();
                g.setColor(java.awt.Color.getHSBColor(i / (float) frames, 0.7f, 0.9f));
                g.fillRect(0, 0, width, height);
                g.dispose();
                encoder.encodeImage(frame);
            }
            encoder.finish();
            return java.nio.file.Files.readAllBytes(file);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void aRedeliveredRecordLeavesExactlyOneRowAndOneObject() throws Exception {
        var jobId = SinkHarness.newJobId();
        var url = cdn.serve("/" + jobId + ".png", SinkHarness.png(64, 48));
        var ready = SinkHarness.ready(jobId, url);
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.STATUS)) {
            harness.mediaReady(ready);
            harness.mediaReady(ready);
            await().atMost(Duration.ofSeconds(30)).until(() -> has(probe, jobId, JobStatus.COMPLETED));
            // the projection catches up with COMPLETED, after which the second delivery is a late result
            await().atMost(Duration.ofSeconds(30)).until(() -> count(
                    "select count(*) from jobs where job_id = ? and status = 'COMPLETED'", jobId) == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> harness.sink.getBean(JobProjection.class).status(jobId)
                    .orElseThrow() == JobStatus.COMPLETED);
            assertThat(count("select count(*) from media where job_id = ?", jobId)).isEqualTo(1);
            assertThat(statuses(probe, jobId).stream().filter(s -> s.status() == JobStatus.COMPLETED).count()).isLessThanOrEqualTo(2);
            var keys = new ArrayList<String>();
            for (var candidate : List.of(jobId + "/0.png", jobId + "/1.png")) {
                if (store.stat(candidate).isPresent()) {
                    keys.add(candidate);
                }
            }
            assertThat(keys).containsExactly(jobId + "/0.png");
        }
    }

    /**
     * A poll of several results, one of them the same job's again and one for a job cancelled before its result came,
     * is stored as one (one read of where its jobs stand, one upsert of its media rows, one read again): one media row
     * per output, each live job's STORING and COMPLETED once and in its own record's trace, nothing for the cancelled job.
     */
    @Test
    void aPollOfResultsStoresEachJobOnceAndCompletesOnlyTheLiveOnes() throws Exception {
        var twice = SinkHarness.newJobId();
        var cancelled = SinkHarness.newJobId();
        var other = SinkHarness.newJobId();
        harness.status(StatusChanged.of(cancelled, SinkHarness.spec(), JobStatus.CANCELLED, "gateway", "cancelled"));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from jobs where job_id = ? and status = 'CANCELLED'", cancelled) == 1);
        // the sink at the end of every partition: its next poll holds these results and nothing else
        await().atMost(Duration.ofSeconds(30)).until(StorageSinkIT::sinkCaughtUp);
        var traces = java.util.Map.of(twice, "4bf92f3577b34da6a3ce929d0e0e4736", cancelled, "5c1ab4f3d1e2a3b4c5d6e7f8091a2b3c",
                other, "0af7651916cd43dd8448eb211c80319c");
        var results = List.of(SinkHarness.ready(twice, cdn.serve("/" + twice + ".png", SinkHarness.png(64, 48))),
                SinkHarness.ready(twice, cdn.serve("/" + twice + "-again.png", SinkHarness.png(64, 48))),
                SinkHarness.ready(cancelled, cdn.serve("/" + cancelled + ".png", SinkHarness.png(64, 48))),
                SinkHarness.ready(other, cdn.serve("/" + other + ".png", SinkHarness.png(80, 60))));
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.STATUS)) {
            harness.mediaReadyInOnePoll(0, results,
                    results.stream().map(r -> "00-" + traces.get(r.jobId()) + "-00f067aa0ba902b7-01").toList());

            await().atMost(Duration.ofSeconds(30)).until(() -> has(probe, twice, JobStatus.COMPLETED)
                    && has(probe, other, JobStatus.COMPLETED) && sinkCaughtUp());
            for (var jobId : List.of(twice, other)) {
                assertThat(statuses(probe, jobId)).extracting(StatusChanged::status).as(jobId)
                        .containsExactly(JobStatus.STORING, JobStatus.COMPLETED);
                assertThat(probe.records(Topics.STATUS, jobId)).allSatisfy(r -> assertThat(r.headers().get("traceparent"))
                        .contains(traces.get(jobId)));
                assertThat(statuses(probe, jobId).get(1).media()).extracting(com.desayre.contracts.StoredMedia::key)
                        .containsExactly(jobId + "/0.png");
                assertThat(count("select count(*) from media where job_id = ?", jobId)).isEqualTo(1);
                assertThat(store.stat(jobId + "/0.thumb.jpg")).isPresent();
            }
            assertThat(count("select count(*) from media where job_id = ? and width = 80", other)).isEqualTo(1);
            assertThat(statuses(probe, cancelled)).isEmpty();
            assertThat(count("select count(*) from media where job_id = ?", cancelled)).isZero();
            assertThat(store.stat(cancelled + "/0.png")).isEmpty();
        }
    }

    @Test
    void outOfOrderAndRepeatedStatusesNeverMoveAJobBackwards() throws Exception {
        var jobId = SinkHarness.newJobId();
        var spec = SinkHarness.spec();
        var completed = StatusChanged.completed(jobId, spec, "storage-sink", List.of());
        var processing = StatusChanged.of(jobId, spec, JobStatus.PROCESSING, "image-worker", "working");
        harness.status(completed);
        harness.status(processing);
        harness.status(completed);
        harness.status(StatusChanged.of(jobId, spec, JobStatus.QUEUED, "gateway", "queued late"));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from job_status_events where job_id = ?", jobId) == 3);
        assertThat(count("select count(*) from jobs where job_id = ? and status = 'COMPLETED'", jobId)).isEqualTo(1);
        assertThat(count("select count(*) from jobs where job_id = ?", jobId)).isEqualTo(1);
    }

    @Test
    void bytesThatAreNotMediaFailTheJobAndStoreNothing() throws Exception {
        var jobId = SinkHarness.newJobId();
        var url = cdn.serve("/" + jobId + ".png", "<html>Access denied</html>".getBytes());
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.STATUS)) {
            harness.mediaReady(SinkHarness.ready(jobId, url));
            await().atMost(Duration.ofSeconds(30)).until(() -> has(probe, jobId, JobStatus.FAILED));
            var failed = statuses(probe, jobId).stream().filter(s -> s.status() == JobStatus.FAILED).findFirst().orElseThrow();
            assertThat(failed.error().code()).isEqualTo("BAD_PROVIDER_OUTPUT");
            assertThat(count("select count(*) from media where job_id = ?", jobId)).isZero();
            assertThat(store.stat(jobId + "/0.png")).isEmpty();
        }
    }

    @Test
    void aPngWhoseImageDataIsDamagedFailsTheJobAndLeavesNothingStored() throws Exception {
        var jobId = SinkHarness.newJobId();
        var png = SinkHarness.png(640, 480);
        var url = cdn.serve("/" + jobId + ".png", java.util.Arrays.copyOf(png, png.length / 2)); // cut off mid-image
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.STATUS)) {
            harness.mediaReady(SinkHarness.ready(jobId, url));
            await().atMost(Duration.ofSeconds(30)).until(() -> has(probe, jobId, JobStatus.FAILED));
            var failed = statuses(probe, jobId).stream().filter(s -> s.status() == JobStatus.FAILED).findFirst().orElseThrow();
            assertThat(failed.error().code()).isEqualTo("BAD_PROVIDER_OUTPUT");
            assertThat(failed.error().message()).contains("damaged");
            assertThat(count("select count(*) from media where job_id = ?", jobId)).isZero();
            // the original went up while the thumbnail was tried; it is deleted again
            await().atMost(Duration.ofSeconds(30)).until(() -> store.stat(jobId + "/0.png").isEmpty());
            assertThat(statuses(probe, jobId)).noneMatch(s -> s.status() == JobStatus.COMPLETED);
        }
    }

    @Test
    void aCancelledJobsLateResultIsDiscarded() throws Exception {
        var jobId = SinkHarness.newJobId();
        var url = cdn.serve("/" + jobId + ".png", SinkHarness.png(64, 48));
        harness.status(StatusChanged.of(jobId, SinkHarness.spec(), JobStatus.CANCELLED, "gateway", "cancelled"));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from jobs where job_id = ? and status = 'CANCELLED'", jobId) == 1);
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.STATUS)) {
            harness.mediaReady(SinkHarness.ready(jobId, url));
            // done when the sink has committed past the record: it read it and chose to store nothing
            await().atMost(Duration.ofSeconds(30)).until(StorageSinkIT::sinkCaughtUp);
            assertThat(statuses(probe, jobId)).noneMatch(s -> s.status() == JobStatus.STORING || s.status() == JobStatus.COMPLETED);
            assertThat(count("select count(*) from media where job_id = ?", jobId)).isZero();
        }
    }

    @Test
    void aResultStoredWhileTheJobWasCancelledIsDiscardedWhenItsCompletedIsRefused() throws Exception {
        // the race: the sink checked the job (running), a cancel was projected, then the sink stored and said COMPLETED
        var jobId = SinkHarness.newJobId();
        var spec = SinkHarness.spec();
        harness.status(StatusChanged.of(jobId, spec, JobStatus.CANCELLED, "gateway", "cancelled"));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from jobs where job_id = ? and status = 'CANCELLED'", jobId) == 1);
        var file = java.nio.file.Files.createTempFile("late", ".png");
        java.nio.file.Files.write(file, SinkHarness.png(64, 48));
        store.put(jobId + "/0.png", file, "image/png");
        store.put(jobId + "/0.thumb.jpg", file, "image/jpeg");
        java.nio.file.Files.delete(file);
        try (var connection = db.getConnection(); var insert = connection.prepareStatement("""
                insert into media (job_id, idx, storage_key, thumb_key, mime_type, width, height, bytes, sha256)
                values (?, 0, ?, ?, 'image/png', 64, 48, 1, 'x')""")) {
            insert.setString(1, jobId);
            insert.setString(2, jobId + "/0.png");
            insert.setString(3, jobId + "/0.thumb.jpg");
            insert.executeUpdate();
        }

        harness.status(StatusChanged.completed(jobId, spec, "storage-sink", List.of()));

        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from media where job_id = ?", jobId) == 0);
        assertThat(store.stat(jobId + "/0.png")).isEmpty();
        assertThat(store.stat(jobId + "/0.thumb.jpg")).isEmpty();
        assertThat(count("select count(*) from jobs where job_id = ? and status = 'CANCELLED'", jobId)).isEqualTo(1);
        assertThat(count("select count(*) from job_status_events where job_id = ? and status = 'COMPLETED'", jobId))
                .as("a refused second ending is not in the timeline").isZero();
    }

    @Test
    void aJobMovingUpTheLineHasOneWaitingRowInItsTimeline() throws Exception {
        var jobId = SinkHarness.newJobId();
        var spec = SinkHarness.spec();
        for (int position = 3; position >= 1; position--) {
            harness.status(StatusChanged.of(jobId, spec, JobStatus.WAITING, "image-worker", "number " + position + " in line")
                    .withQueue(new StatusChanged.QueueInfo("nano-banana-pro", com.desayre.contracts.Priority.INTERACTIVE, position,
                            position - 1, null)));
        }
        harness.status(StatusChanged.of(jobId, spec, JobStatus.SUBMITTED, "image-worker", "sent"));

        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from jobs where job_id = ? and status = 'SUBMITTED'", jobId) == 1);
        assertThat(count("select count(*) from job_status_events where job_id = ? and status = 'WAITING'", jobId))
                .as("only the first WAITING is in the timeline").isEqualTo(1);
        assertThat(count("select count(*) from job_status_events where job_id = ? and status = 'WAITING' and message = 'number 3 in line'",
                jobId)).isEqualTo(1);
    }

    /**
     * Whether storage-sink's group has committed every record on media.ready (a partition it never committed on must
     * be empty: the group starts at the earliest record).
     */
    private static boolean sinkCaughtUp() throws Exception {
        var config = new java.util.Properties();
        config.put("bootstrap.servers", TestServers.kafka().bootstrapServers());
        try (var admin = org.apache.kafka.clients.admin.Admin.create(config)) {
            var committed = admin.listConsumerGroupOffsets("storage-sink").partitionsToOffsetAndMetadata().get();
            var latest = new HashMap<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec>();
            admin.describeTopics(List.of(Topics.MEDIA_READY)).allTopicNames().get().get(Topics.MEDIA_READY).partitions()
                    .forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition(Topics.MEDIA_READY, p.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            return ends.entrySet().stream().allMatch(e -> (committed.get(e.getKey()) == null ? 0 : committed.get(e.getKey()).offset())
                    >= e.getValue().offset());
        }
    }
}
