package com.desayre.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The baseline: as many Kafka hops as the pipeline has topics on a job's way (requested, image
 * requested, media ready, status), with nothing but a consume-and-forward thread between them.
 * A source producer writes hop 1; a thread per hop forwards to the next; a sink thread on the
 * last hop marks the job done.
 */
final class RawKafkaChain implements AutoCloseable {
    static final List<String> TOPICS = List.of("bench.hop1", "bench.hop2", "bench.hop3", "bench.hop4");

    private static final Duration POLL = Duration.ofMillis(100);

    private final String bootstrap;
    private final KafkaProducer<String, byte[]> source;
    private final List<Thread> threads = new ArrayList<>();
    private final List<KafkaConsumer<?, ?>> consumers = new ArrayList<>();
    private volatile JobTracker current;
    private volatile boolean running = true;
    private volatile Throwable broken;

    RawKafkaChain(String bootstrap) {
        this.bootstrap = bootstrap;
        this.source = producer("source");
        for (int hop = 0; hop < TOPICS.size(); hop++) {
            boolean last = hop == TOPICS.size() - 1;
            var consumer = consumer(TOPICS.get(hop));
            consumers.add(consumer);
            String next = last ? null : TOPICS.get(hop + 1);
            var thread = new Thread(() -> loop(consumer, next), "bench-" + TOPICS.get(hop));
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * Sends {@code jobs} records of {@code payload} keyed by a fresh job id, as {@code pace} says, and times each
     * from its start to its arrival on the last hop.
     */
    RunResult run(String name, int jobs, Pace pace, byte[] payload, Duration deadline) throws InterruptedException {
        var tracker = new JobTracker(jobs, pace.maxInFlight());
        current = tracker;
        long first = System.nanoTime();
        long until = first + deadline.toNanos();
        for (int i = 0; i < jobs && broken == null; i++) {
            if (!tracker.awaitSlot(until)) {
                break;
            }
            String id = name + "-" + i;
            tracker.started(id, pace.startOf(first, i));
            source.send(new ProducerRecord<>(TOPICS.get(0), id, payload), (meta, e) -> {
                if (e != null) {
                    tracker.ended(id, System.nanoTime(), false);
                }
            });
        }
        // an unbounded run only queues records: make them go now rather than after linger.ms
        source.flush();
        boolean all = tracker.awaitAll(until);
        if (broken != null) {
            throw new IllegalStateException("a raw chain thread failed", broken);
        }
        return tracker.result(name, first, System.nanoTime(), all);
    }

    private void loop(KafkaConsumer<String, byte[]> consumer, String next) {
        // each hop its own producer, as each pipeline stage has its own
        try (consumer; var producer = next == null ? null : producer(next)) {
            while (running) {
                var records = consumer.poll(POLL);
                if (records.isEmpty()) {
                    continue;
                }
                if (producer == null) {
                    var tracker = current;
                    long now = System.nanoTime();
                    records.forEach(r -> tracker.ended(r.key(), now, true));
                    continue;
                }
                records.forEach(r -> producer.send(new ProducerRecord<>(next, r.key(), r.value())));
                // at-least-once, like a stage that commits its input only after its output is acknowledged
                producer.flush();
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            broken = e;
        }
    }

    private KafkaProducer<String, byte[]> producer(String name) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, "bench-raw-" + name,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // Kafka 4's default linger of 5 ms would add 5 ms per hop: the baseline is the transport's floor
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** No group: the hop's partitions are assigned directly, read from the start (the topics are the bench's own). */
    private KafkaConsumer<String, byte[]> consumer(String topic) {
        var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-raw-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.assign(consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList());
        return consumer;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumers.forEach(KafkaConsumer::wakeup);
        for (var thread : threads) {
            thread.join(10_000);
        }
        source.close(Duration.ofSeconds(10));
    }
}
