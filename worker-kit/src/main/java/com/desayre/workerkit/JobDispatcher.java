package com.desayre.workerkit;

import com.desayre.platform.JobTrace;
import com.desayre.platform.OutageLog;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs in-flight jobs from Postgres: one thread looks for due jobs every tick (or at once when a
 * new one arrives), claims them, and starts one step each. Steps are futures, so a thousand jobs
 * waiting at the provider cost rows and timers, not threads. After a restart the first tick finds
 * the jobs that were being polled and polls them on.
 */
public class JobDispatcher implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(JobDispatcher.class);
    private static final long HOUSEKEEPING_SECONDS = 5;
    private static final long PURGE_EVERY_TICKS = 60;

    private final JobStore store;
    private final JobProgress progress;
    private final WorkerSettings settings;
    private final WorkerMetrics metrics;
    private final LaneSwitches lanes;
    private final WaitingLine line;
    private final Executor work;
    private final ScheduledThreadPoolExecutor ticker;
    private final String name;
    private final AtomicInteger inFlight = new AtomicInteger();
    // the dispatcher ticks several times a second: a database that is away is said once, not per tick
    private final OutageLog dispatchFailures = new OutageLog(log, "Could not look for due jobs", Duration.ofSeconds(30));
    private final OutageLog housekeepingFailures = new OutageLog(log, "Housekeeping failed", Duration.ofSeconds(30));
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private volatile boolean running;
    private long housekeepingRuns;

    /** @param name the worker's name, for its dispatch thread and logs */
    JobDispatcher(String name, JobStore store, JobProgress progress, WorkerSettings settings, WorkerMetrics metrics,
                  LaneSwitches lanes, WaitingLine line, Executor work) {
        this.lanes = lanes;
        this.line = line;
        this.name = name;
        this.store = store;
        this.progress = progress;
        this.settings = settings;
        this.metrics = metrics;
        this.work = work;
        this.ticker = new ScheduledThreadPoolExecutor(1, WorkerThreads.daemons(name + "-dispatch-"));
        // a freed place is taken by the next job in line at once, not at the next tick
        progress.onPlaceFreed(this::wake);
    }

    /** Looks for due jobs now (a job just arrived), not at the next tick. */
    public void wake() {
        if (running && wakeQueued.compareAndSet(false, true)) {
            ticker.execute(() -> {
                wakeQueued.set(false);
                dispatch();
            });
        }
    }

    private void dispatch() {
        if (!running) {
            return;
        }
        try {
            while (running) {
                int room = Math.min(settings.maxCalls() - inFlight.get(), settings.claimBatch());
                if (room <= 0) {
                    return;
                }
                if (progress.submitSlots() == 0) {
                    // places held for jobs another instance finished come back
                    progress.reconcilePlaces();
                }
                var rows = store.claimDue(room, settings.lease(), progress.submitSlots(), lanes.sendable());
                for (var row : rows) {
                    inFlight.incrementAndGet();
                    // the step runs in the job's trace (its continuations too: JobProgress)
                    CompletableFuture.supplyAsync(() -> JobTrace.within(row.traceParent(), name, () -> {
                                log.debug("Job {}: a step from {}", row.jobId(), row.state());
                                return progress.advance(row);
                            }), work)
                            .thenCompose(step -> step)
                            .whenComplete((ignored, error) -> {
                                inFlight.decrementAndGet();
                                if (error != null) {
                                    // the lease runs out and the job is taken up again
                                    log.warn("Job {}: step failed, it will be retried: {}", row.jobId(), error.toString());
                                }
                            });
                }
                dispatchFailures.succeeded();
                if (rows.size() < room) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            dispatchFailures.failed(e);
        }
    }

    /** Job steps (a submit or a poll) running now. */
    int stepsRunning() {
        return inFlight.get();
    }

    private void housekeeping() {
        try {
            progress.reconcilePlaces();
            var open = store.openByModel();
            metrics.open(open);
            if (housekeepingRuns++ % PURGE_EVERY_TICKS == 0) {
                var purged = store.purgeFinished(settings.retention());
                if (purged > 0) {
                    log.info("Forgot {} finished jobs older than {}", purged, settings.retention());
                }
            }
            housekeepingFailures.succeeded();
        } catch (RuntimeException e) {
            housekeepingFailures.failed(e);
        }
    }

    @Override
    public void start() {
        // the trace machinery's first use (class loading, OpenTelemetry's context storage) now, not in the first job's step
        JobTrace.within(JobTrace.traceparent(), name, () -> null);
        running = true;
        ticker.scheduleWithFixedDelay(this::dispatch, 0, settings.tick().toMillis(), TimeUnit.MILLISECONDS);
        ticker.scheduleWithFixedDelay(this::housekeeping, 0, HOUSEKEEPING_SECONDS, TimeUnit.SECONDS);
        // the line: expire waits past their limit, tell waiting jobs their place
        ticker.scheduleWithFixedDelay(line::look, line.every().toMillis(), line.every().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops taking jobs, lets running steps finish for a grace period, then gives the leases back. */
    @Override
    public void stop() {
        running = false;
        ticker.shutdownNow();
        long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        try {
            var released = store.releaseLeases();
            log.info("{} stopped: {} job step(s) still running, {} lease(s) given back", name, inFlight.get(), released);
        } catch (RuntimeException e) {
            log.warn("Could not give back leases (they run out by themselves): {}", e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
