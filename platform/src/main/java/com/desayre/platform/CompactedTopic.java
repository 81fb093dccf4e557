package com.desayre.platform;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a compacted topic as a table: reads it from the beginning with no consumer group (every
 * process sees every key, and one started later still reads what was written before it), on its
 * own daemon thread, handing each record to a listener — the key, and the value or null for a
 * tombstone. {@link #caughtUp()} turns true once everything that was in the topic when reading
 * began has been handed over, so a caller can hold back until it knows the whole table.
 * If Kafka is not there yet it keeps trying; it never blocks its caller.
 */
public final class CompactedTopic implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CompactedTopic.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final String topic;
    private final Map<String, Object> config;
    private final BiConsumer<String, byte[]> listener;
    private final Thread reader;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    /** Callers waiting until what is in the topic now has been read; the reader thread answers them. */
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> endWanted =
            new ConcurrentLinkedQueue<>();

    private CompactedTopic(String topic, Map<String, Object> clientConfig, BiConsumer<String, byte[]> listener) {
        this.topic = topic;
        this.listener = listener;
        var config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.config = config;
        this.reader = new Thread(this::run, "compacted-" + topic);
        reader.setDaemon(true);
    }

    /**
     * Starts following {@code topic}.
     *
     * @param clientConfig Kafka client settings: at least {@code bootstrap.servers}, plus any security settings
     */
    public static CompactedTopic follow(String topic, Map<String, Object> clientConfig, BiConsumer<String, byte[]> listener) {
        var follower = new CompactedTopic(topic, clientConfig, listener);
        follower.reader.start();
        return follower;
    }

    /** True once every record that was in the topic when reading began has been handed to the listener. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /**
     * Completes once every record in the topic at the time of the call has been handed to the listener:
     * to know of a key written a moment ago before deciding it is absent.
     */
    public CompletableFuture<Void> readToEnd() {
        var done = new CompletableFuture<Void>();
        endWanted.add(done);
        return done;
    }

    private void run() {
        while (running) {
            try (var kafka = new KafkaConsumer<byte[], byte[]>(config)) {
                consumer = kafka;
                follow(kafka);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("Cannot read {} ({}); trying again in {} s", topic, e.toString(), RETRY.toSeconds());
                // a background retry nobody waits on; close() unparks it
                java.util.concurrent.locks.LockSupport.parkNanos(RETRY.toNanos());
            }
        }
    }

    private void follow(KafkaConsumer<byte[], byte[]> kafka) {
        var partitions = new ArrayList<TopicPartition>();
        kafka.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        kafka.assign(partitions);
        kafka.seekToBeginning(partitions);
        var ends = kafka.endOffsets(partitions, Duration.ofSeconds(30));
        var waiting = new ArrayList<Map.Entry<Map<TopicPartition, Long>, CompletableFuture<Void>>>();
        while (running) {
            for (var wanted = endWanted.poll(); wanted != null; wanted = endWanted.poll()) {
                waiting.add(Map.entry(kafka.endOffsets(partitions, Duration.ofSeconds(30)), wanted));
            }
            for (var record : kafka.poll(POLL)) {
                var key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                if (key == null) {
                    continue;
                }
                try {
                    listener.accept(key, record.value());
                } catch (RuntimeException e) {
                    // one unreadable record must not stop the table: the next one for its key replaces it
                    log.warn("Skipped a record on {} ({}): {}", topic, key, e.toString());
                }
            }
            if (!caughtUp && ends.entrySet().stream().allMatch(end -> kafka.position(end.getKey()) >= end.getValue())) {
                caughtUp = true;
                log.info("Read {} to its end", topic);
            }
            waiting.removeIf(wanted -> {
                var reached = caughtUp && wanted.getKey().entrySet().stream().allMatch(end -> kafka.position(end.getKey()) >= end.getValue());
                if (reached) {
                    wanted.getValue().complete(null);
                }
                return reached;
            });
        }
    }

    @Override
    public void close() {
        running = false;
        var kafka = consumer;
        if (kafka != null) {
            kafka.wakeup();
        }
        // not interrupt(): an interrupted consumer cannot close cleanly
        java.util.concurrent.locks.LockSupport.unpark(reader);
        try {
            reader.join(2_000); // a consumer whose broker is gone may take longer: it is a daemon and ends by itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
