package com.desayre.gateway.queues;

import java.util.Collection;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * Which DLQ records were replayed or discarded ({@code gateway.dlq_handled}): Kafka keeps them
 * in the topic, so this is what lets depth drop and keeps a record from being replayed twice.
 */
@Repository
class DlqLedger {
    private final DatabaseClient db;

    DlqLedger(DatabaseClient db) {
        this.db = db;
    }

    /** A record's place: topic, partition, offset. */
    record Position(String topic, int partition, long offset) {
    }

    /** The handled records of {@code topics}, with what was done to each ({@code replay} or {@code discard}). */
    Mono<java.util.Map<Position, String>> handled(Collection<String> topics) {
        return db.sql("select topic, partition, \"offset\", action from gateway.dlq_handled where topic = any(:topics)")
                .bind("topics", topics.toArray(String[]::new))
                .map(row -> java.util.Map.entry(new Position(row.get("topic", String.class), row.get("partition", Integer.class),
                        row.get("offset", Long.class)), row.get("action", String.class)))
                .all().collectMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue);
    }

    /**
     * How many handled records lie inside each partition's current extent, by {@code topic/partition}:
     * records that expired from the topic no longer count. One indexed range per partition.
     */
    Mono<java.util.Map<String, Long>> handledWithin(java.util.List<KafkaQueues.Extent> extents) {
        if (extents.isEmpty()) {
            return Mono.just(java.util.Map.of());
        }
        return db.sql("""
                        select h.topic, h.partition, count(*) as n
                        from unnest(:topics, :partitions, :starts, :ends) as e(topic, partition, first_offset, end_offset)
                        join gateway.dlq_handled h on h.topic = e.topic and h.partition = e.partition
                             and h."offset" >= e.first_offset and h."offset" < e.end_offset
                        group by h.topic, h.partition""")
                .bind("topics", extents.stream().map(KafkaQueues.Extent::topic).toArray(String[]::new))
                .bind("partitions", extents.stream().map(KafkaQueues.Extent::partition).toArray(Integer[]::new))
                .bind("starts", extents.stream().map(KafkaQueues.Extent::start).toArray(Long[]::new))
                .bind("ends", extents.stream().map(KafkaQueues.Extent::end).toArray(Long[]::new))
                .map(row -> java.util.Map.entry(row.get("topic", String.class) + "/" + row.get("partition", Integer.class),
                        row.get("n", Long.class)))
                .all().collectMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue);
    }

    /** Marks a record handled; false if it already was (another call got there first). */
    Mono<Boolean> mark(Position position, String jobId, String action, String replayedTo, String actor) {
        var spec = db.sql("insert into gateway.dlq_handled (topic, partition, \"offset\", job_id, action, replayed_to, actor)"
                        + " values (:topic, :partition, :offset, :jobId, :action, :to, :actor) on conflict do nothing")
                .bind("topic", position.topic())
                .bind("partition", position.partition())
                .bind("offset", position.offset())
                .bind("action", action)
                .bind("actor", actor);
        spec = jobId == null ? spec.bindNull("jobId", String.class) : spec.bind("jobId", jobId);
        spec = replayedTo == null ? spec.bindNull("to", String.class) : spec.bind("to", replayedTo);
        return spec.fetch().rowsUpdated().map(count -> count > 0);
    }

    /**
     * Forgets handled records that have expired from their topic (below a partition's first offset):
     * nothing can replay them any more, and the audit log keeps who did what. Without this the table
     * would only grow.
     */
    Mono<Long> forgetExpired(java.util.List<KafkaQueues.Extent> extents) {
        if (extents.isEmpty()) {
            return Mono.just(0L);
        }
        return db.sql("""
                        delete from gateway.dlq_handled h
                        using unnest(:topics, :partitions, :starts) as e(topic, partition, first_offset)
                        where h.topic = e.topic and h.partition = e.partition and h."offset" < e.first_offset""")
                .bind("topics", extents.stream().map(KafkaQueues.Extent::topic).toArray(String[]::new))
                .bind("partitions", extents.stream().map(KafkaQueues.Extent::partition).toArray(Integer[]::new))
                .bind("starts", extents.stream().map(KafkaQueues.Extent::start).toArray(Long[]::new))
                .fetch().rowsUpdated();
    }
}
