package com.desayre.gateway.queues;

import com.desayre.contracts.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The gateway's look into Kafka for queue status and control: consumer lag per group, topic and
 * partition, the extent of each DLQ, reading a DLQ's records and sending one back to the topic it
 * came from. Blocking Kafka client calls, each bounded by {@code desayre.queues.kafka-timeout}:
 * callers run them off the event loop.
 */
@Component
public class KafkaQueues implements DisposableBean {
    /** Headers the binder (and worker-kit) put on a dead letter; a replayed record leaves them behind. */
    static final List<String> FAILURE_HEADER_PREFIXES = List.of("x-original-", "x-exception-", "kafka_dlt-",
            "x-desayre-failure-class", "x-desayre-attempts", "x-desayre-stage");
    static final String ORIGINAL_TOPIC = "x-original-topic";
    static final String REPLAYED_FROM = "x-desayre-replayed-from";
    static final String REPLAYED_BY = "x-desayre-replayed-by";
    static final String REPLAYED_AT = "x-desayre-replayed-at";
    static final String REPLAYS = "x-desayre-replays";

    private final Admin admin;
    private final Map<String, Object> consumerConfig;
    private final KafkaTemplate<byte[], byte[]> producer;
    private final Duration timeout;

    KafkaQueues(KafkaProperties kafka, KafkaTemplate<byte[], byte[]> producer, QueueSettings settings) {
        var adminConfig = new HashMap<>(kafka.buildAdminProperties());
        adminConfig.put("request.timeout.ms", (int) settings.kafkaTimeout().toMillis());
        adminConfig.put("default.api.timeout.ms", (int) settings.kafkaTimeout().toMillis());
        this.admin = Admin.create(adminConfig);
        var consumer = new HashMap<>(kafka.buildConsumerProperties());
        consumer.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        this.consumerConfig = consumer;
        this.producer = producer;
        this.timeout = settings.kafkaTimeout();
    }

    /** Every DLQ DESAYRE has. */
    static List<String> dlqs() {
        return Topics.dlqs();
    }

    /**
     * Where a DLQ's records came from when a record does not say: {@code <topic>.dlq} and a group's own
     * {@code <topic>.<group>.dlq} (storage-sink's projections, the workers' control) go back to {@code <topic>}.
     */
    static String defaultOrigin(String dlq) {
        return Topics.origin(dlq);
    }

    record PartitionLag(int partition, long committed, long end, long lag) {
    }

    /** One group's lag on one topic. {@code members} is -1 when the group could not be described. */
    record GroupLag(String group, String state, int members, String topic, long lag, List<PartitionLag> partitions) {
    }

    /** Lag of every consumer group that has committed offsets on DESAYRE's topics. */
    List<GroupLag> lag() {
        var ours = Set.copyOf(Topics.all());
        var listings = get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all());
        var states = new TreeMap<String, String>();
        listings.forEach(g -> states.put(g.groupId(), g.groupState().map(Enum::name).orElse("UNKNOWN")));
        if (states.isEmpty()) {
            return List.of();
        }
        var specs = new HashMap<String, ListConsumerGroupOffsetsSpec>();
        states.keySet().forEach(group -> specs.put(group, new ListConsumerGroupOffsetsSpec()));
        var committed = get(admin.listConsumerGroupOffsets(specs).all());
        var partitions = new HashMap<TopicPartition, OffsetSpec>();
        committed.values().forEach(offsets -> offsets.keySet().stream().filter(tp -> ours.contains(tp.topic()))
                .forEach(tp -> partitions.put(tp, OffsetSpec.latest())));
        if (partitions.isEmpty()) {
            return List.of();
        }
        var ends = get(admin.listOffsets(partitions).all());
        var members = new HashMap<String, Integer>();
        var groupsWithOffsets = committed.entrySet().stream()
                .filter(e -> !leftBehind(e.getKey(), states.get(e.getKey())))
                .filter(e -> e.getValue().keySet().stream().anyMatch(tp -> ours.contains(tp.topic()))).map(Map.Entry::getKey).toList();
        try {
            get(admin.describeConsumerGroups(groupsWithOffsets).all())
                    .forEach((group, description) -> members.put(group, description.members().size()));
        } catch (IllegalStateException e) {
            // a group may vanish between the two calls: its members stay unknown
        }
        var result = new ArrayList<GroupLag>();
        for (var group : groupsWithOffsets) {
            var byTopic = new TreeMap<String, List<PartitionLag>>();
            committed.get(group).forEach((tp, offset) -> {
                if (offset == null || !ours.contains(tp.topic()) || !ends.containsKey(tp)) {
                    return;
                }
                var end = ends.get(tp).offset();
                byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                        .add(new PartitionLag(tp.partition(), offset.offset(), end, Math.max(0, end - offset.offset())));
            });
            byTopic.forEach((topic, lags) -> {
                lags.sort(java.util.Comparator.comparingInt(PartitionLag::partition));
                result.add(new GroupLag(group, states.get(group), members.getOrDefault(group, -1), topic,
                        lags.stream().mapToLong(PartitionLag::lag).sum(), List.copyOf(lags)));
            });
        }
        return result;
    }

    /**
     * An anonymous group with no members: a stopped instance's own feed (a gateway's SSE fan-out reads every status
     * with a group named {@code anonymous.<random>} per start). Nobody will ever read on from its offsets, so its
     * "lag" would only grow; Kafka forgets the group after {@code offsets.retention.minutes}.
     */
    private static boolean leftBehind(String group, String state) {
        return group.startsWith("anonymous.") && "EMPTY".equals(state);
    }

    /** A partition's records from {@code start} (the oldest kept) up to {@code end} (the next offset). */
    record Extent(String topic, int partition, long start, long end) {
    }

    /** The extent of every partition of {@code topics}. */
    List<Extent> extents(Collection<String> topics) {
        var described = get(admin.describeTopics(topics).allTopicNames());
        var earliest = new HashMap<TopicPartition, OffsetSpec>();
        var latest = new HashMap<TopicPartition, OffsetSpec>();
        described.forEach((topic, description) -> description.partitions().forEach(p -> {
            earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
            latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
        }));
        var starts = get(admin.listOffsets(earliest).all());
        var ends = get(admin.listOffsets(latest).all());
        var extents = new ArrayList<Extent>();
        starts.forEach((tp, start) -> extents.add(new Extent(tp.topic(), tp.partition(), start.offset(), ends.get(tp).offset())));
        extents.sort(java.util.Comparator.comparing(Extent::topic).thenComparingInt(Extent::partition));
        return extents;
    }

    /** One dead letter as read: its place, key, value and headers. */
    record DeadLetter(String topic, int partition, long offset, Instant timestamp, byte[] key, byte[] value,
                      List<Header> headers) {

        String jobId() {
            return key == null ? null : new String(key, StandardCharsets.UTF_8);
        }

        String header(String name) {
            Header last = null;
            for (var header : headers) {
                if (header.key().equals(name)) {
                    last = header;
                }
            }
            return last == null || last.value() == null ? null : new String(last.value(), StandardCharsets.UTF_8);
        }

        /** The topic the record failed on: the binder's header when it names one of DESAYRE's inputs, else the DLQ's. */
        String origin() {
            var named = header(ORIGINAL_TOPIC);
            return named != null && Topics.all().contains(named) && !dlqs().contains(named) ? named : defaultOrigin(topic);
        }

        int replays() {
            var count = header(REPLAYS);
            try {
                return count == null ? 0 : Integer.parseInt(count);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    /**
     * Reads {@code dlq} from its oldest record to where it ends now, keeping up to {@code max} records
     * that {@code wanted} accepts, oldest first per partition.
     */
    List<DeadLetter> read(String dlq, Predicate<DeadLetter> wanted, int max) {
        var extents = extents(List.of(dlq)).stream().filter(e -> e.end() > e.start()).toList();
        var found = new ArrayList<DeadLetter>();
        if (extents.isEmpty()) {
            return found;
        }
        try (var consumer = new KafkaConsumer<byte[], byte[]>(consumerConfig)) {
            var remaining = new HashMap<TopicPartition, Long>();
            extents.forEach(e -> remaining.put(new TopicPartition(e.topic(), e.partition()), e.end()));
            consumer.assign(remaining.keySet());
            extents.forEach(e -> consumer.seek(new TopicPartition(e.topic(), e.partition()), e.start()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!remaining.isEmpty() && found.size() < max) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + dlq + " took longer than " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    var tp = new TopicPartition(record.topic(), record.partition());
                    var end = remaining.get(tp);
                    if (end == null || record.offset() >= end) {
                        continue;
                    }
                    var letter = new DeadLetter(record.topic(), record.partition(), record.offset(),
                            Instant.ofEpochMilli(record.timestamp()), record.key(), record.value(),
                            List.of(record.headers().toArray()));
                    if (found.size() < max && wanted.test(letter)) {
                        found.add(letter);
                    }
                }
                // compacted or transactional gaps: a partition is done once the consumer is past its end
                remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        }
        found.sort(java.util.Comparator.comparingInt(DeadLetter::partition).thenComparingLong(DeadLetter::offset));
        return found;
    }

    /**
     * Sends a dead letter back to its origin, acknowledged (acks=all): same key and value, the failure
     * headers left behind, and where it came from, who sent it and how many times it was replayed added.
     */
    void replay(DeadLetter letter, String actor) {
        var headers = new ArrayList<Header>();
        for (var header : letter.headers()) {
            var name = header.key();
            if (FAILURE_HEADER_PREFIXES.stream().noneMatch(name::startsWith) && !name.startsWith("x-desayre-replay")) {
                headers.add(header);
            }
        }
        headers.add(new RecordHeader(REPLAYED_FROM, bytes(letter.topic() + "/" + letter.partition() + "/" + letter.offset())));
        headers.add(new RecordHeader(REPLAYED_BY, bytes(actor)));
        headers.add(new RecordHeader(REPLAYED_AT, bytes(Instant.now().toString())));
        headers.add(new RecordHeader(REPLAYS, bytes(Integer.toString(letter.replays() + 1))));
        var record = new ProducerRecord<>(letter.origin(), null, letter.key(), letter.value(), headers);
        get(producer.send(record));
    }

    /** Publishes one record and waits for the broker's acknowledgement. */
    public void publish(String topic, String key, byte[] value) {
        get(producer.send(new ProducerRecord<>(topic, bytes(key), value)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private <T> T get(KafkaFuture<T> future) {
        return get(future.toCompletionStage().toCompletableFuture());
    }

    private <T> T get(java.util.concurrent.Future<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause() == null ? e.toString() : e.getCause().toString(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IllegalStateException("Kafka did not answer within " + timeout, e);
        }
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(2));
    }
}
