package com.desayre.workerkit;

import com.desayre.contracts.ControlRequested;
import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.EventJson;
import com.desayre.platform.DatabaseOutages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How jobs enter and leave a worker from Kafka: a new job is written to Postgres (then the record
 * can be committed at once: no record is held through a provider call), and a cancel stops a job
 * wherever it is. Both are idempotent, so redelivered records do nothing.
 */
public class JobIntake {
    private static final Logger log = LoggerFactory.getLogger(JobIntake.class);

    private final JobStore store;
    private final JobDispatcher dispatcher;
    private final JobProgress progress;
    private final JobNotices notices;

    public JobIntake(JobStore store, JobDispatcher dispatcher, JobProgress progress, JobNotices notices) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.progress = progress;
        this.notices = notices;
    }

    /**
     * Records a job at the end of its line and starts it; a job already known (a redelivered record)
     * is left alone. Its provider deadline starts only when the provider takes it. A database that is away is waited
     * out here, however long, rather than the binding giving up after a few tries and dead-lettering a valid job that
     * would then never end (found by {@code ./desayre chaos}: PostgreSQL stopped for 20 s).
     */
    public void accept(EncodedJob job, Integer partition, Long offset, Long timestamp) {
        if (DatabaseOutages.waitOut("job " + job.jobId() + " waits to be recorded",
                () -> store.insertIfAbsent(job, partition, offset, timestamp))) {
            dispatcher.wake();
            return;
        }
        if (store.adoptCancelled(job)) {
            log.info("Job {} was cancelled before it arrived: never sent", job.jobId());
            notices.cancelled(job);
            return;
        }
        log.info("Job {} is already known: redelivered record ignored", job.jobId());
    }

    /**
     * Stops a job this worker has not finished: no further submit or poll, and CANCELLED for the
     * user. Other actions, and jobs already ended, are not this worker's business. A cancel that
     * comes before its job is remembered, so the job never starts.
     */
    public void control(ControlRequested request) {
        if (request.action() != ControlRequested.Action.CANCEL) {
            return;
        }
        var cancelled = store.cancel(request.jobId());
        if (cancelled.isEmpty()) {
            log.info("Job {}: nothing to cancel here (finished, or cancelled already)", request.jobId());
            return;
        }
        progress.forget(request.jobId());
        if (cancelled.get().equals("null")) {
            log.info("Job {}: cancelled before it arrived", request.jobId());
            return;
        }
        log.info("Job {}: cancelled by {}", request.jobId(), request.requestedBy());
        notices.cancelled(EventJson.read(cancelled.get(), EncodedJob.class));
    }
}
