package com.desayre.stackit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.Priority;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Records that can never succeed, published straight to {@code generation.requested} (and a few to
 * {@code generation.status}) with a plain Kafka producer between a few hundred valid jobs, against the
 * whole studio: every valid job completes with its prompt in history, each bad record is on a DLQ
 * exactly once (and nowhere else), the jobs a bad record names end FAILED with the REST door's code,
 * nothing bad reaches a worker, and every consumer group's lag goes back to 0.
 *
 * <p>On the code before poison isolation (4fbc908), a smaller mix (60 valid jobs, 6 NUL prompts, 6 records
 * that are not JSON, an unknown owner, {@code ../../etc/evil}) left 37 of the 60 valid jobs without their
 * prompt in history after 227 s: storage-sink's request projection retried each NUL record for about 75 s
 * with the rest of its poll behind it; the unknown owner's job was generated, and {@code ../../etc/evil} was
 * sent on to the image-worker.
 */
class PoisonIT {
    private static final int VALID = 240;
    private static final int BAD_STATUSES = 5;

    /** A bad record: its key (unique, so its dead letter can be found), value, and what its job should end with. */
    private record Bad(String kind, String key, byte[] value, String jobId, String code) {
    }

    @Test
    void badRecordsGoToTheirDlqOnceAndEveryValidJobCompletes() throws Exception {
        var studio = Studio.get();
        var random = new Random(13);
        var bad = badRecords();
        assertThat(bad).hasSize(100);
        assertThat(bad.stream().map(Bad::kind).distinct().count()).isGreaterThanOrEqualTo(10);
        var valid = new ArrayList<String>();
        var records = new ArrayList<ProducerRecord<byte[], byte[]>>();
        for (int i = 0; i < VALID; i++) {
            var jobId = UUID.randomUUID().toString();
            valid.add(jobId);
            records.add(record(Topics.REQUESTED, jobId, EventJson.write(GenerationRequested.of(jobId, spec("admin", prompt(jobId))))));
        }
        bad.forEach(b -> records.add(record(Topics.REQUESTED, b.key(), b.value())));
        var badStatuses = new ArrayList<String>();
        for (int i = 0; i < BAD_STATUSES; i++) {
            var key = "bad-status-" + i + "-" + UUID.randomUUID();
            badStatuses.add(key);
            records.add(record(Topics.STATUS, key, ("{\"not\":\"a status\" " + i).getBytes(StandardCharsets.UTF_8)));
        }
        Collections.shuffle(records, random);
        var skippedBefore = unreadableStatuses(studio);

        var dlqs = Topics.dlqs();
        var watched = new ArrayList<>(dlqs);
        watched.addAll(List.of(Topics.STATUS, Topics.IMAGE_REQUESTED, Topics.VIDEO_REQUESTED));
        try (var probe = TopicProbe.watch(TestServers.kafka(), watched); var producer = producer()) {
            for (var record : records) {
                producer.send(record);
            }
            producer.flush();

            // every valid job completes (bounded: 240 images through every service on a shared 2-core machine)
            var pending = ConcurrentHashMap.<String>newKeySet();
            pending.addAll(valid);
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> {
                for (var jobId : List.copyOf(pending)) {
                    var statuses = probe.records(Topics.STATUS, jobId);
                    if (statuses.stream().anyMatch(r -> r.value().contains("\"COMPLETED\"") || r.value().contains("\"FAILED\""))) {
                        pending.remove(jobId);
                    }
                }
                return pending.isEmpty();
            });
            // each bad record is dead-lettered once: on generation.requested.dlq, or (a status) storage-sink's status DLQ
            await().atMost(Duration.ofMinutes(1)).until(() -> bad.stream().allMatch(b -> !probe.records(Topics.dlq(Topics.REQUESTED), b.key()).isEmpty())
                    && badStatuses.stream().allMatch(key -> !probe.records("generation.status.storage-sink.dlq", key).isEmpty()));
            // every consumer group has read everything (lag back to 0)
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).until(() -> lagging(studio), Map::isEmpty);

            for (var jobId : valid) {
                var history = Studio.JSON.readTree(studio.get("/api/history/" + jobId, studio.token).body()).get("job");
                assertThat(history.get("status").asString()).as("job %s", jobId).isEqualTo("COMPLETED");
                assertThat(history.get("prompt").asString()).as("job %s", jobId).isEqualTo(prompt(jobId));
                for (var dlq : dlqs) {
                    assertThat(probe.records(dlq, jobId)).as("%s on %s", jobId, dlq).isEmpty();
                }
            }
            for (var b : bad) {
                for (var dlq : dlqs) {
                    assertThat(probe.records(dlq, b.key())).as("%s (%s) on %s", b.key(), b.kind(), dlq)
                            .hasSize(dlq.equals(Topics.dlq(Topics.REQUESTED)) ? 1 : 0);
                }
                assertThat(probe.records(Topics.dlq(Topics.REQUESTED), b.key()).get(0).headers())
                        .containsEntry("x-original-topic", Topics.REQUESTED).containsKey("x-exception-message");
                // nothing bad reaches a worker
                assertThat(probe.records(Topics.IMAGE_REQUESTED, b.key())).isEmpty();
                if (b.jobId() != null) {
                    assertThat(probe.records(Topics.IMAGE_REQUESTED, b.jobId())).isEmpty();
                    assertThat(probe.records(Topics.VIDEO_REQUESTED, b.jobId())).isEmpty();
                }
                if (b.code() != null) {
                    var failed = probe.records(Topics.STATUS, b.jobId()).stream().map(r -> EventJson.read(r.value(), StatusChanged.class))
                            .filter(s -> s.error() != null).toList();
                    assertThat(failed).as("%s (%s)", b.jobId(), b.kind()).hasSize(1);
                    assertThat(failed.get(0).error().code()).as("%s (%s)", b.jobId(), b.kind()).isEqualTo(b.code());
                }
            }
            for (var key : badStatuses) {
                assertThat(probe.records("generation.status.storage-sink.dlq", key)).hasSize(1);
            }
            assertThat(unreadableStatuses(studio) - skippedBefore).isEqualTo(BAD_STATUSES);
        }
    }

    private static List<Bad> badRecords() {
        var bad = new ArrayList<Bad>();
        for (int i = 0; i < 10; i++) {
            var jobId = UUID.randomUUID().toString();
            bad.add(new Bad("not JSON", key("not-json", i), ("{this is not json " + i).getBytes(StandardCharsets.UTF_8), null, null));
            bad.add(new Bad("empty", key("empty", i), new byte[0], null, null));
            bad.add(new Bad("tombstone", key("tombstone", i), null, null, null));
            bad.add(new Bad("missing spec", key("no-spec", i), ("{\"schemaVersion\":1,\"eventId\":\"e\",\"jobId\":\"" + jobId
                    + "\",\"occurredAt\":\"2026-12-03T10:00:00Z\"}").getBytes(StandardCharsets.UTF_8), jobId, null));
            var typed = UUID.randomUUID().toString();
            bad.add(new Bad("wrong type", key("wrong-type", i), json(typed, spec("admin", "a cat")).replace("\"width\":1024", "\"width\":\"wide\"")
                    .getBytes(StandardCharsets.UTF_8), typed, "INVALID_REQUEST"));
            var nul = UUID.randomUUID().toString();
            bad.add(new Bad("NUL in prompt", key("nul", i), EventJson.write(GenerationRequested.of(nul, spec("admin", "a cat \u0000 " + i))),
                    nul, "INVALID_REQUEST"));
            var unknownOwner = UUID.randomUUID().toString();
            bad.add(new Bad("unknown owner", key("owner", i), EventJson.write(GenerationRequested.of(unknownOwner,
                    spec("nobody-" + i, "a cat " + i))), unknownOwner, "OWNER_NOT_ALLOWED"));
            var evil = i % 2 == 0 ? "../../etc/evil" : "a b?c#d";
            bad.add(new Bad("bad job id", key("job-id", i), EventJson.write(GenerationRequested.of(evil, spec("admin", "a cat"))), evil, null));
            var enumJob = UUID.randomUUID().toString();
            bad.add(new Bad("unknown enum", key("enum", i), json(enumJob, spec("admin", "a cat")).replace("\"INTERACTIVE\"", "\"URGENT\"")
                    .getBytes(StandardCharsets.UTF_8), enumJob, "INVALID_REQUEST"));
            if (i < 3) {
                // near Kafka's 1 MB limit: a prompt far past RequestRules.MAX_PROMPT_LENGTH
                var huge = UUID.randomUUID().toString();
                bad.add(new Bad("huge", key("huge", i), EventJson.write(GenerationRequested.of(huge, spec("admin", "x".repeat(900_000)))),
                        huge, "INVALID_REQUEST"));
            } else {
                var sized = UUID.randomUUID().toString();
                bad.add(new Bad("wrong size", key("size", i), EventJson.write(GenerationRequested.of(sized, new JobSpec("admin", JobKind.IMAGE,
                        "a cat", "16:9", 4096, 4096, null, null, true, Priority.INTERACTIVE, null))), sized, "INVALID_REQUEST"));
            }
        }
        return bad;
    }

    private static String key(String kind, int i) {
        return "bad-" + kind + "-" + i + "-" + UUID.randomUUID();
    }

    private static String json(String jobId, JobSpec spec) {
        return new String(EventJson.write(GenerationRequested.of(jobId, spec)), StandardCharsets.UTF_8);
    }

    private static String prompt(String jobId) {
        return "poison run " + jobId.substring(0, 8) + ": a lighthouse at dusk";
    }

    private static JobSpec spec(String owner, String prompt) {
        return new JobSpec(owner, JobKind.IMAGE, prompt, "1:1", 1024, 1024, null, null, true, Priority.INTERACTIVE, null);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** A plain producer: the Java client's default partitioner is murmur2, as docs/asyncapi.yaml asks. */
    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576));
    }

    /** Unreadable statuses the gateway's SSE fan-out passed over (its shared projection counts them too, apart). */
    private static double unreadableStatuses(Studio studio) {
        return studio.stack.gateway().getBean(MeterRegistry.class).counter("gateway.status.unreadable", "consumer", "fanout").count();
    }

    /**
     * Every live consumer group's lag on DESAYRE's topics, as the gateway's queue status reports it. A group
     * without members is left out: an earlier test's stopped gateway leaves its anonymous group behind.
     */
    private static Map<String, Long> lagging(Studio studio) throws Exception {
        var consumers = Studio.JSON.readTree(studio.get("/api/worker", studio.token).body()).get("consumers");
        var lagging = new java.util.TreeMap<String, Long>();
        Set<String> seen = new HashSet<>();
        for (var group : consumers) {
            if (group.get("members").asInt() == 0) {
                continue;
            }
            seen.add(group.get("group").asString());
            if (group.get("lag").asLong() > 0) {
                lagging.put(group.get("group").asString() + " on " + group.get("topic").asString(), group.get("lag").asLong());
            }
        }
        assertThat(seen).contains("prompt-encoder", "storage-sink-requests", "storage-sink-status");
        return lagging;
    }
}
