package com.desayre.bench;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Drives the running studio as a client would: image jobs over HTTP, at most so many in flight,
 * and watches {@code generation.status} with a plain consumer for each job's terminal status.
 */
final class PipelineDriver implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String base;
    private final KafkaConsumer<String, byte[]> statuses;
    private final Thread watcher;
    private final CountDownLatch atEnd = new CountDownLatch(1);
    private final AtomicReference<String> firstRefusal = new AtomicReference<>();
    private volatile JobTracker current;
    private volatile boolean running = true;
    private volatile Throwable broken;
    private String token;

    PipelineDriver(String base, String bootstrap) {
        this.base = base;
        this.statuses = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-status-watcher",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.watcher = new Thread(this::watch, "bench-status-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Waits until the gateway answers its health check, then signs in. */
    void signIn(String username, String password, Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                var health = http.send(request("/actuator/health").GET().build(), HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() == 200) {
                    break;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the gateway was not healthy within " + timeout);
            }
            Thread.sleep(200);
        }
        var credentials = EventJson.mapper().writeValueAsString(Map.of("username", username, "password", password));
        var login = http.send(post("/api/auth/login", credentials, null), HttpResponse.BodyHandlers.ofString());
        if (login.statusCode() != 200) {
            throw new IllegalStateException("sign-in failed: HTTP " + login.statusCode() + " " + login.body());
        }
        token = EventJson.mapper().readTree(login.body()).get("token").asString();
    }

    /** Submits {@code jobs} image jobs as {@code pace} says; latency is POST sent (or due) → COMPLETED seen. */
    RunResult run(String name, int jobs, Pace pace, Duration deadline) throws InterruptedException {
        if (!atEnd.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the status watcher did not start", broken);
        }
        var tracker = new JobTracker(jobs, pace.maxInFlight());
        current = tracker;
        long first = System.nanoTime();
        long until = first + deadline.toNanos();
        for (int i = 0; i < jobs && broken == null; i++) {
            if (!tracker.awaitSlot(until)) {
                break;
            }
            // the default 1:1 (1024x1024): storing and thumbnailing that PNG is part of the real cost
            var body = "{\"prompt\":\"" + name + " " + i + ": a lighthouse at dusk\",\"seed\":" + i + "}";
            long sent = pace.startOf(first, i);
            http.sendAsync(post("/api/generate/image", body, token), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, e) -> accepted(tracker, sent, response, e));
        }
        boolean all = tracker.awaitAll(until);
        if (broken != null) {
            throw new IllegalStateException("the status watcher failed", broken);
        }
        return tracker.result(name, first, System.nanoTime(), all);
    }

    private void accepted(JobTracker tracker, long sent, HttpResponse<String> response, Throwable error) {
        String refusal;
        if (error != null) {
            refusal = error.toString();
        } else if (response.statusCode() != 202) {
            refusal = "HTTP " + response.statusCode() + " " + response.body();
        } else {
            try {
                tracker.started(EventJson.mapper().readTree(response.body()).get("jobId").asString(), sent);
                return;
            } catch (RuntimeException e) {
                refusal = "unreadable 202 answer: " + e;
            }
        }
        firstRefusal.compareAndSet(null, refusal);
        tracker.refused();
    }

    /** The first refused or failed submit, if any. */
    String firstRefusal() {
        return firstRefusal.get();
    }

    private void watch() {
        try (statuses) {
            var partitions = statuses.partitionsFor(Topics.STATUS).stream()
                    .map(p -> new TopicPartition(Topics.STATUS, p.partition())).toList();
            statuses.assign(partitions);
            statuses.seekToEnd(partitions);
            // seekToEnd is lazy: resolve the positions now, before the first job is submitted
            partitions.forEach(statuses::position);
            atEnd.countDown();
            while (running) {
                var records = statuses.poll(POLL);
                long now = System.nanoTime();
                var tracker = current;
                for (var record : records) {
                    var event = EventJson.read(record.value(), StatusChanged.class);
                    if (tracker != null && event.status().isTerminal()) {
                        tracker.ended(event.jobId(), now, event.status() == JobStatus.COMPLETED);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            broken = e;
            atEnd.countDown();
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    }

    private HttpRequest post(String path, String json, String bearer) {
        var builder = request(path).header("Content-Type", "application/json");
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        return builder.POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        statuses.wakeup();
        watcher.join(10_000);
    }
}
