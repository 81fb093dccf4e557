package com.desayre.workerkit;

import com.desayre.contracts.ControlRequested;
import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.EventJson;
import com.desayre.contracts.UnusableRecordException;
import com.desayre.platform.DatabaseOutages;
import com.desayre.platform.DeadLetters;
import com.desayre.platform.JobEvents;
import com.desayre.platform.JobTrace;
import com.desayre.platform.PollSends;
import com.desayre.platform.PolledRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.binder.ConsumerProperties;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.messaging.Message;

/**
 * How jobs enter and leave a worker from Kafka: a poll's new jobs are written to Postgres in one statement (then the
 * poll can be committed at once: no record is held through a provider call), and a cancel stops a job wherever it
 * is. Both are idempotent, so redelivered records do nothing.
 *
 * <p>The intake is a batch stage (docs/architecture.md, "How a stage hands off"): a record that can never be a job
 * goes to the input's DLQ inside its poll, on its first delivery; a job the worker cannot run ends FAILED; the rest
 * are inserted together, and the dispatcher is woken once for the poll. A failure that may pass stops the poll at
 * its record ({@link BatchListenerFailedException}): the records before it are recorded and commit, it and the rest
 * come again, which the insert absorbs.
 */
public class JobIntake {
    private static final Logger log = LoggerFactory.getLogger(JobIntake.class);

    /** Why a worker cannot run a job it was given: the job ends FAILED with this code and sentence. */
    public record Refusal(String code, String message) {
    }

    /** A job of a poll, at {@code index} in it. */
    record Polled(int index, JobStore.Arrival arrival) {
    }

    private final JobStore store;
    private final JobDispatcher dispatcher;
    private final JobProgress progress;
    private final JobNotices notices;
    private final JobEvents events;
    private final String dlq;
    private final Supplier<ConsumerProperties> binding;

    /**
     * @param dlq     where the input's records that can never be a job go
     * @param binding the input binding's settings: which failures are never retried
     */
    JobIntake(JobStore store, JobDispatcher dispatcher, JobProgress progress, JobNotices notices, JobEvents events, String dlq,
              Supplier<ConsumerProperties> binding) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.progress = progress;
        this.notices = notices;
        this.events = events;
        this.dlq = dlq;
        this.binding = binding;
    }

    /**
     * Takes a poll of the worker's input ({@code consumer.batch-mode: true}, native decoding): each job at the end of
     * its line, a job already known (a redelivered record) left alone. Its provider deadline starts only when the
     * provider takes it.
     *
     * @param refusal why this worker cannot run a job, or null when it can
     */
    public void accept(Message<?> poll, Function<EncodedJob, Refusal> refusal) {
        var records = PolledRecord.of(poll);
        var binding = this.binding.get();
        var sends = new PollSends();
        var jobs = new ArrayList<Polled>();
        PollSends.Failure failure = null;
        for (var record : records) {
            try (var trace = JobTrace.resume(record.traceparent(), notices.stage())) {
                var job = read(record);
                var refused = refusal.apply(job);
                if (refused != null) {
                    notices.failed(job, refused.code(), refused.message());
                    continue;
                }
                jobs.add(new Polled(record.index(), new JobStore.Arrival(job, record.partition(), record.offset(), record.timestamp(),
                        record.traceparent())));
            } catch (RuntimeException e) {
                if (!DeadLetters.neverSucceeds(binding, e)) {
                    failure = new PollSends.Failure(record.index(), e); // e.g. the broker away for a FAILED: from here on again
                    break;
                }
                sends.add(record.index(), DeadLetters.publish(events, dlq, record, e));
            }
        }
        failure = PollSends.Failure.earlier(failure, record(jobs));
        failure = PollSends.Failure.earlier(failure, sends.firstFailure());
        if (failure != null) {
            throw new BatchListenerFailedException("Delivering the worker's input again from this record: "
                    + failure.cause().getMessage(), failure.cause(), failure.index());
        }
    }

    private static EncodedJob read(PolledRecord record) {
        if (record.value() == null) {
            throw new UnusableRecordException("A tombstone is not a job.");
        }
        var job = EventJson.read(record.value(), EncodedJob.class);
        if (job.jobId() == null || job.jobId().isBlank() || job.spec() == null || job.spec().kind() == null) {
            throw new UnusableRecordException("Not a job: it names no job id, or no spec and kind.");
        }
        return job;
    }

    /**
     * Records the jobs of a poll, in one statement; a database that is away is waited out here, however long, rather
     * than the binding giving up after a few tries and dead-lettering valid jobs that would then never end (found by
     * {@code ./desayre chaos}: PostgreSQL stopped for 20 s). Answers the first job whose poll must come again, or null.
     */
    PollSends.Failure record(List<Polled> jobs) {
        if (jobs.isEmpty()) {
            return null;
        }
        // one row per job id: the same job twice in one poll is a redelivery
        var ids = new HashSet<String>();
        var arrivals = jobs.stream().map(Polled::arrival).filter(a -> ids.add(a.job().jobId())).toList();
        java.util.Set<String> added;
        try {
            added = DatabaseOutages.waitOut("a poll of " + arrivals.size() + " job(s) waits to be recorded",
                    () -> store.insertIfAbsent(arrivals));
        } catch (RuntimeException e) {
            log.warn("A poll of {} job(s) could not be recorded at once, one at a time now: {}", arrivals.size(), e.toString());
            return oneAtATime(jobs);
        }
        var fresh = new HashSet<>(added);
        PollSends.Failure failure = null;
        for (var job : jobs) {
            if (!fresh.remove(job.arrival().job().jobId())) {
                failure = PollSends.Failure.earlier(failure, known(job));
            }
        }
        if (!added.isEmpty()) {
            dispatcher.wake();
        }
        return failure;
    }

    /** The poll's jobs one statement each, in order: the first the database refuses is where the poll comes again. */
    private PollSends.Failure oneAtATime(List<Polled> jobs) {
        var woken = false;
        try {
            for (var job : jobs) {
                try {
                    var added = DatabaseOutages.waitOut("job " + job.arrival().job().jobId() + " waits to be recorded",
                            () -> store.insertIfAbsent(List.of(job.arrival())));
                    if (added.isEmpty()) {
                        var failure = known(job);
                        if (failure != null) {
                            return failure;
                        }
                    }
                    woken |= !added.isEmpty();
                } catch (RuntimeException e) {
                    return new PollSends.Failure(job.index(), e);
                }
            }
            return null;
        } finally {
            if (woken) {
                dispatcher.wake();
            }
        }
    }

    /** A job whose id is known: a cancel that came first ends it CANCELLED now; a redelivered record does nothing. */
    private PollSends.Failure known(Polled polled) {
        var job = polled.arrival().job();
        try (var trace = JobTrace.resume(polled.arrival().traceparent(), notices.stage())) {
            if (store.adoptCancelled(job)) {
                log.info("Job {} was cancelled before it arrived: never sent", job.jobId());
                notices.cancelled(job);
            } else {
                log.info("Job {} is already known: redelivered record ignored", job.jobId());
            }
            return null;
        } catch (RuntimeException e) {
            return new PollSends.Failure(polled.index(), e);
        }
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
