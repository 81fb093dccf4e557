package com.desayre.workerkit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker's meters, tagged by provider and model ({@code desayre.<kind>.jobs} per kind of media). Breaker state, retries configs and the
 * bulkhead come from resilience4j-micrometer ({@code resilience4j.circuitbreaker.state} …).
 *
 * <ul>
 *   <li>{@code desayre.provider.calls} timer (histogram): each call by operation (submit|fetch) and
 *       outcome (success, processing, or the failure class)</li>
 *   <li>{@code desayre.provider.retries}: failed attempts that will be tried again, by failure class</li>
 *   <li>{@code desayre.<kind>.jobs} counter by result (completed or the error code), and
 *       {@code desayre.<kind>.job.duration} (accepted to result) histogram</li>
 *   <li>{@code desayre.<kind>.jobs.open} gauge: jobs not finished (all workers, from Postgres);
 *       {@code desayre.provider.calls.active}: calls this worker has in flight</li>
 * </ul>
 */
public class WorkerMetrics {
    private final MeterRegistry registry;
    private final String provider;
    private final String jobs;
    private final Map<String, AtomicLong> open = new ConcurrentHashMap<>();
    private final AtomicInteger activeCalls = new AtomicInteger();

    /**
     * @param provider the {@code provider} tag, e.g. {@code modelslabs}
     * @param kind     what the jobs make, for the job meters' names: {@code image}, {@code video}
     */
    public WorkerMetrics(MeterRegistry registry, String provider, String kind) {
        this.registry = registry;
        this.provider = provider;
        this.jobs = "desayre." + kind + ".job";
        Gauge.builder("desayre.provider.calls.active", activeCalls, AtomicInteger::get)
                .tag("provider", provider)
                .description("provider calls this worker has in flight").register(registry);
    }

    AtomicInteger activeCalls() {
        return activeCalls;
    }

    void call(String model, String operation, String outcome, long nanos) {
        Timer.builder("desayre.provider.calls")
                .tags("provider", provider, "model", model, "operation", operation, "outcome", outcome)
                .publishPercentileHistogram()
                .description("provider calls by outcome")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    void retry(String model, FailureClass failure) {
        Counter.builder("desayre.provider.retries")
                .tags("provider", provider, "model", model, "class", failure.tag())
                .register(registry).increment();
    }

    void finished(String model, String result, Duration age) {
        Counter.builder(jobs + "s")
                .tags("provider", provider, "model", model, "result", result)
                .register(registry).increment();
        Timer.builder(jobs + ".duration")
                .tags("provider", provider, "model", model, "result", result)
                .publishPercentileHistogram()
                .register(registry).record(age);
    }

    void open(Map<String, Long> byModel) {
        open.forEach((model, count) -> count.set(byModel.getOrDefault(model, 0L)));
        byModel.forEach((model, count) -> open.computeIfAbsent(model, m -> {
            var holder = new AtomicLong();
            Gauge.builder(jobs + "s.open", holder, AtomicLong::get)
                    .tags("provider", provider, "model", m)
                    .description("jobs accepted and not finished").register(registry);
            return holder;
        }).set(count));
    }
}
