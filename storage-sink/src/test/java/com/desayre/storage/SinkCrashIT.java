package com.desayre.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.StoredMedia;
import com.desayre.contracts.Topics;
import com.desayre.platform.MediaStore;
import com.desayre.testsupport.HaltAfterPoll;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The batch hand-off's crash guarantee for storage-sink's media consumer, with a real crash: the sink runs in a JVM of
 * its own ({@link HaltAfterStoring}) that halts after a poll's result was stored (objects, media row) and its
 * {@code COMPLETED} acknowledged, before the poll's offsets were committed. Nothing is lost (the result is stored, the
 * job completed in Kafka), the result comes again to the restarted sink, and nothing the user can see is doubled: one
 * media row, the same objects under the same keys, and every {@code COMPLETED} of the job names the same media (a
 * second one, if the restarted sink stored again before its status projection saw the first, is refused by every
 * projection: a terminal status is final).
 */
class SinkCrashIT {
    private static final String TOPIC = "crash-test.generation.media.ready";
    private static final String GROUP = "storage-sink-crash-test";
    private static final String DATABASE = "sink_crash_" + Long.toHexString(System.nanoTime());
    private static final Path LOG = Path.of(System.getProperty("java.io.tmpdir"), "sink-crash-test.log");

    @Test
    void aSinkKilledBetweenItsWritesAndItsCommitLosesNothingAndDoublesNothing() throws Exception {
        var kafka = TestServers.kafka();
        kafka.createTopics(List.of(TOPIC), 1);
        TestServers.postgres().createDatabase(DATABASE);
        var properties = new HashMap<String, String>();
        properties.putAll(TestServers.kafkaProperties());
        properties.putAll(TestServers.postgres().springProperties(DATABASE));
        properties.putAll(TestServers.s3Properties());
        properties.put("desayre.data-dir", System.getProperty("java.io.tmpdir") + "/sink-crash");
        properties.put("spring.cloud.stream.bindings.storeMedia-in-0.destination", TOPIC);
        properties.put("spring.cloud.stream.bindings.storeMedia-in-0.group", GROUP);
        // the dead member leaves the group after its session, not the default 45 s: the restarted sink gets the partition soon
        var media = "spring.cloud.stream.kafka.bindings.storeMedia-in-0.consumer.configuration.";
        properties.put(media + "session.timeout.ms", "6000");
        properties.put(media + "heartbeat.interval.ms", "1000");
        // the other bindings in groups of their own, from the topics' ends: the shared broker's old records are not this test's
        for (var binding : List.of("projectStatus-in-0", "recordRequest-in-0", "handleControl-in-0", "projectLedger-in-0")) {
            properties.put("spring.cloud.stream.bindings." + binding + ".group", GROUP + "-" + binding);
            properties.put("spring.cloud.stream.kafka.bindings." + binding + ".consumer.start-offset", "latest");
        }
        var jobId = SinkHarness.newJobId();
        try (var cdn = new FileServer();
             var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
             var probe = TopicProbe.watch(kafka, Topics.STATUS);
             var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            var url = cdn.serve("/" + jobId + ".png", SinkHarness.png(320, 200));
            producer.send(new ProducerRecord<>(TOPIC, jobId.getBytes(StandardCharsets.UTF_8),
                    EventJson.write(SinkHarness.ready(jobId, url)))).get();

            var crashed = HaltAfterPoll.fork(HaltAfterStoring.class, properties, LOG);
            assertThat(crashed.waitFor(3, TimeUnit.MINUTES)).as("the forked sink halted").isTrue();
            assertThat(crashed.exitValue()).as("halted by HaltAfterStoring (its log: %s)", LOG).isEqualTo(HaltAfterStoring.EXIT);

            // its writes and sends were done before it died: the row and the COMPLETED are there (a poll it had to
            // deliver again may have said it twice; the restarted sink's are checked below) ...
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(completed(probe, jobId))
                    .as(() -> "the job's statuses " + statuses(probe, jobId) + "; the halted sink's log ends:\n" + tail(LOG))
                    .isNotEmpty());
            assertThat(mediaRows(jobId)).isEqualTo(1);
            // ... and its input was not committed
            assertThat(committed(admin)).isNull();

            try (var restarted = new SinkHarness(kafka, properties)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> Long.valueOf(1).equals(committed(admin)));
                var store = restarted.sink.getBean(MediaStore.class);
                assertThat(store.stat(jobId + "/0.png")).isPresent();
                assertThat(store.stat(jobId + "/0.thumb.jpg")).isPresent();
            }
            assertThat(mediaRows(jobId)).isEqualTo(1);
            var endings = completed(probe, jobId);
            assertThat(endings).isNotEmpty().allSatisfy(ending -> assertThat(ending.media()).extracting(StoredMedia::key)
                    .containsExactly(jobId + "/0.png"));
            assertThat(probe.records(Topics.STATUS, jobId).stream().map(r -> EventJson.read(r.value(), StatusChanged.class)))
                    .noneMatch(s -> s.status() == JobStatus.FAILED);
        }
    }

    private static List<StatusChanged> completed(TopicProbe probe, String jobId) {
        return probe.records(Topics.STATUS, jobId).stream().map(r -> EventJson.read(r.value(), StatusChanged.class))
                .filter(s -> s.status() == JobStatus.COMPLETED).toList();
    }

    private static List<JobStatus> statuses(TopicProbe probe, String jobId) {
        return probe.records(Topics.STATUS, jobId).stream().map(r -> EventJson.read(r.value(), StatusChanged.class).status()).toList();
    }

    /** The forked sink's last lines worth reading (not Spring Integration's channel chatter), for a failure's message. */
    private static String tail(Path log) {
        try (var lines = Files.lines(log)) {
            var kept = lines.filter(line -> !line.contains("o.s.i.") && !line.contains("o.s.c.s.m.")).toList();
            return String.join("\n", kept.subList(Math.max(0, kept.size() - 40), kept.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static long mediaRows(String jobId) throws Exception {
        try (var connection = TestServers.postgres().dataSource(DATABASE).getConnection();
             var statement = connection.prepareStatement("select count(*) from media where job_id = ?")) {
            statement.setString(1, jobId);
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The group's committed offset on the test topic, or null. */
    private static Long committed(Admin admin) throws Exception {
        var offsets = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        var offset = offsets.get(new TopicPartition(TOPIC, 0));
        return offset == null ? null : offset.offset();
    }
}
