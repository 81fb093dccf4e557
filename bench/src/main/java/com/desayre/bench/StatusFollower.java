package com.desayre.bench;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows {@code generation.status} from its end with a plain consumer (no group, nothing committed) and hands
 * every event to a listener with the {@link System#nanoTime()} it was seen at.
 */
final class StatusFollower implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final BiConsumer<StatusChanged, Long> listener;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile RuntimeException broken;

    StatusFollower(String bootstrap, String name, BiConsumer<StatusChanged, Long> listener) {
        this.listener = listener;
        consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, name, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(this::follow, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Returns once every later status will be seen. */
    void awaitPositioned() throws InterruptedException {
        if (!positioned.await(30, TimeUnit.SECONDS) || broken != null) {
            throw new IllegalStateException("the status follower did not start", broken);
        }
    }

    /** Throws when following broke off (a status the bench cannot read): the figures would be wrong. */
    void check() {
        if (broken != null) {
            throw new IllegalStateException("the status follower failed", broken);
        }
    }

    private void follow() {
        try {
            var partitions = consumer.partitionsFor(Topics.STATUS).stream()
                    .map(p -> new TopicPartition(Topics.STATUS, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // seekToEnd is lazy: resolve the positions now, before the first job is submitted
            partitions.forEach(consumer::position);
            positioned.countDown();
            while (running) {
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    listener.accept(EventJson.read(record.value(), StatusChanged.class), System.nanoTime());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            broken = e;
            positioned.countDown();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
        consumer.close(Duration.ofSeconds(5));
    }
}
