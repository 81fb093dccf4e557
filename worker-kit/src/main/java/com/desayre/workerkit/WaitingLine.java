package com.desayre.workerkit;

import com.desayre.contracts.JobError;
import com.desayre.contracts.StatusChanged;
import com.desayre.platform.JobTrace;
import com.desayre.platform.OutageLog;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The line of jobs waiting for a place in the provider's queue, shared by every instance through
 * the worker's table. Now and then (the dispatcher's thread) it ends the jobs whose own limit on
 * waiting ({@code maxWaitSeconds}) has passed before they were sent (FAILED / EXPIRED_IN_QUEUE),
 * and tells the others their place ({@code WAITING} with {@link StatusChanged.QueueInfo}), throttled
 * so that a line of thousands does not flood {@code generation.status}. Each notice carries its own job's trace.
 *
 * <p>The ETA is Little's law on the provider's recent pace: with {@code n} jobs at the provider, each
 * held {@code t} on average (send to finished, over the last 50 finished in 10 minutes), a place
 * frees every {@code t / n}, so the job {@code k}th in the whole line is sent in about {@code k × t / n}.
 */
class WaitingLine {
    private static final Logger log = LoggerFactory.getLogger(WaitingLine.class);
    /** Jobs this near the front are told every change of place (at most every queue-notice-every). */
    private static final int NEAR = 10;

    private final JobStore store;
    private final JobNotices notices;
    private final WorkerMetrics metrics;
    private final LaneSwitches lanes;
    private final Duration noticeEvery;
    private final Duration grace;
    private final OutageLog failures;

    /** @param tick how often the dispatcher looks for due jobs: a job in line for less than two ticks is not told yet */
    WaitingLine(JobStore store, JobNotices notices, WorkerMetrics metrics, LaneSwitches lanes, Duration noticeEvery, Duration tick) {
        this.store = store;
        this.notices = notices;
        this.metrics = metrics;
        this.lanes = lanes;
        this.noticeEvery = noticeEvery;
        this.grace = tick.multipliedBy(2);
        this.failures = new OutageLog(log, "Could not look at the line for " + notices.provider(), Duration.ofSeconds(30));
    }

    /** How often the line is looked at: a fraction of the notice interval, between 0.1 and 1 s. */
    Duration every() {
        var half = noticeEvery.dividedBy(2);
        return half.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100)
                : half.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : half;
    }

    void look() {
        try {
            expire();
            tell();
            failures.succeeded();
        } catch (RuntimeException e) {
            failures.failed(e);
        }
    }

    private void expire() {
        var expired = store.expireWaits();
        if (expired.isEmpty()) {
            return;
        }
        var atProvider = store.pace().atProvider();
        for (var place : expired) {
            var job = place.job();
            var lane = place.lane().name().toLowerCase(Locale.ROOT);
            var ahead = place.overall() - 1;
            var message = "This job waited " + JobNotices.human(Duration.ofMillis(place.waitedMs())) + " in line for a place at "
                    + notices.provider() + " (" + job.route().model() + ", " + lane + " lane"
                    + (lanes.paused().contains(place.lane()) ? ", which is paused" : "") + "), with " + ahead
                    + (ahead == 1 ? " job" : " jobs") + " still ahead of it and " + atProvider + " at " + notices.provider()
                    + "; the request allowed at most "
                    + JobNotices.human(Duration.ofSeconds(job.spec().maxWaitSeconds())) + ". It was never sent, so nothing was "
                    + "charged. Try again later, or allow a longer wait.";
            try (var trace = JobTrace.resume(place.traceParent(), notices.stage())) {
                log.info("Job {}: expired in line after {} ms ({} ahead, maxWaitSeconds {})", job.jobId(), place.waitedMs(), ahead,
                        job.spec().maxWaitSeconds());
                notices.failed(job, JobError.EXPIRED_IN_QUEUE, message);
            }
            metrics.finished(job.route().model(), JobError.EXPIRED_IN_QUEUE, Duration.ofMillis(place.waitedMs()));
        }
    }

    private void tell() {
        if (!lanes.known()) {
            // starting: nothing is sent until the lane switches are read (a moment); no notices for that
            return;
        }
        var places = store.placesToTell(noticeEvery, NEAR, grace);
        if (places.isEmpty()) {
            return;
        }
        var pace = store.pace();
        for (var place : places) {
            var job = place.job();
            // told for many jobs at once, each in its own job's trace
            try (var trace = JobTrace.resume(place.traceParent(), notices.stage())) {
                notices.waiting(job, new StatusChanged.QueueInfo(job.route().model(), place.lane(), place.position(),
                        place.position() - 1, eta(place.overall(), pace)));
            }
        }
    }

    /** Seconds until the job {@code overall}th in line is sent, or null while the provider's pace is unknown. */
    static Long eta(long overall, JobStore.Pace pace) {
        if (pace.meanHeldMs() == null || pace.atProvider() <= 0) {
            return null;
        }
        return Math.max(1, Math.round(overall * pace.meanHeldMs() / pace.atProvider() / 1000.0));
    }
}
