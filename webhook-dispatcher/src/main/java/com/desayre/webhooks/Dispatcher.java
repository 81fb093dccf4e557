package com.desayre.webhooks;

import com.desayre.platform.WebhookTargets;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Sends due deliveries: claims them from Postgres ({@link Deliveries}), signs each attempt (Standard Webhooks), posts it
 * through {@link PinnedHttp}, and records the answer. A failed attempt is due again after an exponential backoff with
 * jitter ({@code retry-initial} doubling up to {@code retry-max}); a delivery older than {@code disable-after} fails for
 * good, and an endpoint failing that long is disabled. Each endpoint has its own circuit breaker (Resilience4j): while
 * it is open its deliveries are postponed without counting an attempt, so a dead receiver costs one probe, not a
 * connection per delivery.
 */
@Component
class Dispatcher implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    static final int EXCERPT_BYTES = 1024;

    private final Deliveries deliveries;
    private final DispatcherSettings settings;
    private final PinnedHttp http;
    private final CircuitBreakerRegistry breakers;
    private final Semaphore free;
    private volatile ScheduledExecutorService poller;
    private volatile ExecutorService senders;

    Dispatcher(Deliveries deliveries, DispatcherSettings settings) {
        this.deliveries = deliveries;
        this.settings = settings;
        this.http = new PinnedHttp(settings.allowPrivate(), WebhookTargets.Resolver.SYSTEM, (int) settings.connectTimeout().toMillis(),
                (int) settings.readTimeout().toMillis(), settings.maxResponseBytes());
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(10).minimumNumberOfCalls(5).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMinutes(1)).permittedNumberOfCallsInHalfOpenState(1).build());
        this.free = new Semaphore(settings.senders());
        if (settings.allowPrivate()) {
            log.warn("DESAYRE_WEBHOOK_ALLOW_PRIVATE is on: webhooks may be sent to loopback and private addresses");
        }
    }

    @Override
    public void start() {
        senders = Executors.newFixedThreadPool(settings.senders(), daemon("webhook-sender"));
        poller = Executors.newSingleThreadScheduledExecutor(daemon("webhook-poller"));
        poller.scheduleWithFixedDelay(this::poll, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        var p = poller;
        var s = senders;
        poller = null;
        senders = null;
        if (p != null) {
            p.shutdownNow();
        }
        if (s != null) {
            s.shutdown();
            try {
                // a send in progress finishes (bounded by the timeouts); one cut short is due again after its lease
                s.awaitTermination(settings.connectTimeout().plus(settings.readTimeout()).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            s.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return poller != null;
    }

    private void poll() {
        var slots = free.drainPermits();
        if (slots == 0) {
            return;
        }
        List<Deliveries.Claimed> claimed;
        try {
            claimed = deliveries.claim(slots, settings.lease());
        } catch (RuntimeException e) {
            // Postgres away (or the gateway has not migrated yet): try again at the next poll, with the slots given back
            // (they were kept once: one failed claim stopped every delivery until a restart, WebhookDispatcherIT)
            free.release(slots);
            log.warn("Could not claim webhook deliveries: {}", e.toString());
            return;
        }
        free.release(slots - claimed.size());
        try {
            var pool = senders;
            for (var delivery : claimed) {
                if (pool == null) {
                    free.release();
                    continue;
                }
                pool.execute(() -> {
                    try {
                        send(delivery);
                    } finally {
                        free.release();
                    }
                });
            }
        } catch (RuntimeException e) {
            // a sender pool shutting down: a scheduled task that throws is never run again
            log.warn("Could not hand webhook deliveries to a sender: {}", e.toString());
        }
    }

    void send(Deliveries.Claimed delivery) {
        var breaker = breakers.circuitBreaker(delivery.endpointId().toString());
        if (!breaker.tryAcquirePermission()) {
            deliveries.postpone(delivery, Instant.now().plus(Duration.ofSeconds(30)));
            return;
        }
        var timestamp = Instant.now().getEpochSecond();
        var headers = new LinkedHashMap<String, String>();
        headers.put("webhook-id", delivery.eventId());
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", Signatures.header(delivery.secrets(), delivery.eventId(), timestamp, delivery.payload()));
        var started = System.nanoTime();
        try {
            var answer = http.post(delivery.url(), headers, delivery.payload());
            var latency = (System.nanoTime() - started) / 1_000_000;
            var excerpt = excerpt(answer.body());
            if (answer.status() >= 200 && answer.status() < 300) {
                breaker.onSuccess(latency, TimeUnit.MILLISECONDS);
                deliveries.delivered(delivery, answer.status(), latency, excerpt);
            } else {
                breaker.onError(latency, TimeUnit.MILLISECONDS, new IOException("HTTP " + answer.status()));
                failed(delivery, answer.status(), latency, excerpt);
            }
        } catch (WebhookTargets.Refused refused) {
            breaker.releasePermission();
            failed(delivery, null, null, "Not sent: " + refused.getMessage());
        } catch (IOException | RuntimeException e) {
            var latency = (System.nanoTime() - started) / 1_000_000;
            breaker.onError(latency, TimeUnit.MILLISECONDS, e);
            failed(delivery, null, latency, "No answer: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private void failed(Deliveries.Claimed delivery, Integer status, Long latency, String excerpt) {
        var now = Instant.now();
        var tooOld = delivery.createdAt().plus(settings.disableAfter()).isBefore(now);
        var next = tooOld ? null : now.plus(backoff(delivery.attempts()));
        if (deliveries.failed(delivery, status, latency, excerpt(excerpt), next, settings.disableAfter())) {
            log.info("Webhook endpoint {} disabled: its deliveries have failed for {}", delivery.endpointId(), settings.disableAfter());
        }
    }

    /** retry-initial x 2^(attempt-1), at most retry-max, then ±20 % so endpoints that failed together do not retry together. */
    Duration backoff(int attempt) {
        var base = settings.retryInitial().toMillis();
        var exponential = attempt >= 40 ? Long.MAX_VALUE : base << Math.max(0, attempt - 1);
        var capped = exponential <= 0 || exponential > settings.retryMax().toMillis() ? settings.retryMax().toMillis() : exponential;
        var jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.max(1, (long) (capped * jitter)));
    }

    /** At most 1 KB (UTF-8) of a text, cut on a character boundary. */
    static String excerpt(String text) {
        if (text == null) {
            return null;
        }
        var bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length <= EXCERPT_BYTES) {
            return text;
        }
        var cut = new String(bytes, 0, EXCERPT_BYTES, java.nio.charset.StandardCharsets.UTF_8);
        // a multi-byte character cut in half decodes to U+FFFD at the end: drop it
        return cut.endsWith("\uFFFD") ? cut.substring(0, cut.length() - 1) : cut;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        var count = new java.util.concurrent.atomic.AtomicInteger();
        return task -> {
            var thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    CircuitBreaker.State breakerState(String endpointId) {
        return breakers.circuitBreaker(endpointId).getState();
    }
}
