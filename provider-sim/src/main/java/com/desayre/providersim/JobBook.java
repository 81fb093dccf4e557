package com.desayre.providersim;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The simulator's in-memory jobs: what was asked, when its outputs exist, and how to produce
 * them. Bounded: beyond {@code capacity} the oldest jobs are forgotten (a fetch for them then
 * answers "not found", like a provider's expired job).
 */
final class JobBook {

    /** One file a job produces, served under {@code /outputs/{name}} once the job is ready. */
    record Output(String name, String contentType, Supplier<byte[]> renderer) {
        Output {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(renderer, "renderer");
        }
    }

    /**
     * @param id           provider job id (ModelsLab returns it as a JSON number)
     * @param api          which API family created it, e.g. {@code "modelslab-v7-images"}
     * @param owner        fingerprint of the API key that created it (never the key itself)
     * @param readyAtNanos {@link System#nanoTime()} value at which the outputs exist
     * @param latency      total time from submit to ready, reported as generation time
     * @param meta         the parameter echo the provider returns
     * @param outputs      the files, in order
     * @param faults       how the job misbehaves ({@code never}, {@code expire}, {@code nsfw}, {@code poll-fail})
     */
    record Job(long id, String api, String owner, long readyAtNanos, Duration latency,
               Map<String, Object> meta, List<Output> outputs, Faults faults) {

        /** A job's eta while it never finishes: it keeps promising to be done soon. */
        static final Duration NEVER_ETA = Duration.ofSeconds(10);

        Job(long id, String api, String owner, long readyAtNanos, Duration latency, Map<String, Object> meta,
            List<Output> outputs) {
            this(id, api, owner, readyAtNanos, latency, meta, outputs, Faults.NONE);
        }

        /** The same job as one request sees it with more faults (a rule switched on after the submit). */
        Job withFaults(Faults more) {
            return more.isEmpty() ? this : new Job(id, api, owner, readyAtNanos, latency, meta, outputs, faults.then(more));
        }

        boolean isReady(long nowNanos) {
            return !faults.never() && nowNanos - readyAtNanos >= 0;
        }

        Duration remaining(long nowNanos) {
            if (faults.never()) {
                return NEVER_ETA;
            }
            long left = readyAtNanos - nowNanos;
            return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
        }
    }

    /** A job's output found by its file name. */
    record Located(Job job, Output output) {
    }

    static final int DEFAULT_CAPACITY = 50_000;

    private final ConcurrentSkipListMap<Long, Job> jobs = new ConcurrentSkipListMap<>();
    private final Map<String, Long> outputOwners = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong ids;
    private final LongSupplier nanoClock;
    private final int capacity;

    JobBook() {
        this(DEFAULT_CAPACITY, System::nanoTime);
    }

    JobBook(int capacity, LongSupplier nanoClock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.nanoClock = nanoClock;
        // ModelsLab ids are 9-digit integers. A random start keeps ids from repeating across
        // simulator restarts (a client resuming an old id must not find someone else's job)
        // while staying well inside a 32-bit int for clients that parse it as one.
        this.ids = new AtomicLong(ThreadLocalRandom.current().nextLong(100_000_000L, 900_000_000L));
    }

    long now() {
        return nanoClock.getAsLong();
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    /** The {@code readyAtNanos} for a job submitted now that takes {@code latency}. */
    long readyAt(Duration latency) {
        return now() + latency.toNanos();
    }

    Job register(Job job) {
        if (jobs.put(job.id(), job) == null) {
            count.incrementAndGet();
        }
        for (Output output : job.outputs()) {
            outputOwners.put(output.name(), job.id());
        }
        while (count.get() > capacity) {
            Map.Entry<Long, Job> oldest = jobs.pollFirstEntry();
            if (oldest == null) {
                break;
            }
            count.decrementAndGet();
            for (Output output : oldest.getValue().outputs()) {
                outputOwners.remove(output.name(), oldest.getKey());
            }
        }
        return job;
    }

    Job find(long id) {
        return jobs.get(id);
    }

    Located findOutput(String name) {
        Long id = outputOwners.get(name);
        Job job = id == null ? null : jobs.get(id);
        if (job == null) {
            return null;
        }
        for (Output output : job.outputs()) {
            if (output.name().equals(name)) {
                return new Located(job, output);
            }
        }
        return null;
    }

    int size() {
        return count.get();
    }
}
