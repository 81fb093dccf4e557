package com.desayre.workerkit;

import com.desayre.contracts.JobError;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import com.desayre.platform.JobTrace;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one claimed job one step: submit it, or poll it, then record what came of it. A step is a
 * chain of futures: no thread waits on the provider, and no Kafka record is held meanwhile.
 *
 * <p>Submit vs poll are different risks (docs/providers.md §3): a failed submit is an <em>attempt</em>
 * (retried with backoff, then dead-lettered, bounded by attempts); a failed poll is not (the provider
 * still holds the job, so polling backs off and goes on). A job's provider deadline starts when the
 * provider takes it; past it the job is late, not lost: the user is told once, and it is polled on
 * at the slow interval until the provider ends it or its retention ({@link JobTiming#providerRetention()})
 * is over.
 */
public class JobProgress {
    private static final Logger log = LoggerFactory.getLogger(JobProgress.class);
    /** How soon a job that found the account's queue full looks again. */
    private static final Duration QUEUE_FULL_WAIT = Duration.ofMillis(500);
    private static final Duration RECONCILE_EVERY = Duration.ofSeconds(1);

    private final ProviderClient client;
    private final ProviderPolicies policies;
    private final JobStore store;
    private final JobNotices notices;
    private final CostLedger ledger;
    private final WorkerMetrics metrics;
    private final JobTiming settings;
    private final WorkerSettings worker;
    private final Executor work;
    /** Jobs holding a permit of the account-queue bulkhead, so a permit is never given back twice. */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    /** Told when a place in the provider's queue frees: the dispatcher looks for a waiting job at once. */
    private volatile Runnable placeFreed = () -> { };
    private final java.util.concurrent.atomic.AtomicLong lastReconcile = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
    /** When the next poll of this worker may go out (System.nanoTime): the pace of {@link #spaced}. */
    private final java.util.concurrent.atomic.AtomicLong nextPollSlot = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

    public JobProgress(ProviderClient client, ProviderPolicies policies, JobStore store, JobNotices notices, CostLedger ledger,
                       WorkerMetrics metrics, JobTiming settings, WorkerSettings worker, Executor work) {
        this.client = client;
        this.policies = policies;
        this.store = store;
        this.notices = notices;
        this.ledger = ledger;
        this.metrics = metrics;
        this.settings = settings;
        this.worker = worker;
        this.work = work;
    }

    CompletableFuture<Void> advance(JobRow row) {
        if (row.state() == JobRow.JobState.CANCELLED) {
            releaseQueuePlace(row.jobId());
            return done();
        }
        if (row.state() == JobRow.JobState.POLLING && row.pastRetention()) {
            // the provider keeps no result past its retention: nothing more can come of this job
            releaseQueuePlace(row.jobId());
            var retention = settings.providerRetention();
            fail(row, new ProviderFailure(FailureClass.EXPIRED, client.name() + " did not finish " + row.providerId() + " within "
                    + retention + ", its retention", null, "it was not finished after " + JobNotices.human(retention) + ", and "
                    + client.name() + " keeps a job no longer", false), JobError.PROVIDER_EXPIRED);
            return done();
        }
        if (row.state() == JobRow.JobState.POLLING && row.overdue() && !row.lateTold() && store.markLate(row.jobId())) {
            // late, not lost: the user hears so once, and the job is polled on (slowly) while the provider may deliver
            log.info("Job {}: past its deadline of {} at {}; polling on", row.jobId(), settings.deadlineOf(row.model()), client.name());
            notices.late(row.job(), settings.deadlineOf(row.model()), Duration.ofMillis(row.workingMs()), settings.providerRetention());
        }
        return switch (row.state()) {
            case QUEUED -> submit(row);
            case SUBMITTING -> {
                unknownSubmit(row);
                yield done();
            }
            case POLLING -> poll(row);
            case DONE, FAILED, CANCELLED -> done();
        };
    }

    // ---- submit -------------------------------------------------------------------------------

    private CompletableFuture<Void> submit(JobRow row) {
        var model = row.model();
        var breaker = policies.breaker(model);
        int max = policies.maxAttempts(model);
        if (!breaker.tryAcquirePermission()) {
            park(row, max);
            return done();
        }
        if (!acquireQueuePlace(row.jobId())) {
            breaker.releasePermission();
            store.later(row.jobId(), QUEUE_FULL_WAIT, false, row.parked());
            return done();
        }
        int attempt = row.attempts() + 1;
        if (!store.startSubmit(row.jobId(), attempt)) {
            breaker.releasePermission();
            releaseQueuePlace(row.jobId());
            return done();
        }
        notices.submitted(row.job(), attempt, max);
        long started = System.nanoTime();
        var service = org.slf4j.MDC.get(JobTrace.SERVICE);
        metrics.activeCalls().incrementAndGet();
        return client.submit(row.job(), policies.submitTimeout(model))
                .handleAsync((answer, error) -> {
                    metrics.activeCalls().decrementAndGet();
                    // the job's trace for what its answer causes (statuses, media.ready, the ledger)
                    return JobTrace.within(row.traceParent(), service, () -> {
                        afterSubmit(row, attempt, max, breaker, System.nanoTime() - started, answer, error);
                        return null;
                    });
                }, work);
    }

    private void afterSubmit(JobRow row, int attempt, int max, CircuitBreaker breaker, long nanos, ProviderAnswer answer,
                             Throwable error) {
        var model = row.model();
        if (error == null && !answer.done() && answer.providerId().isBlank()) {
            error = new ProviderFailure(FailureClass.MALFORMED, client.name() + " took the job without giving its id", null, "", true);
        }
        if (error != null) {
            var failure = asFailure(error);
            metrics.call(model, "submit", failure.failureClass().tag(), nanos);
            record(breaker, nanos, failure);
            releaseQueuePlace(row.jobId());
            log.warn("Job {}: submit attempt {} of {} to {} failed: {}", row.jobId(), attempt, max, model, failure.getMessage());
            if (failure.failureClass().retryable() && failure.outcomeUnknown()) {
                ledger.possiblyCharged(row.job(), attempt, worker.resubmitUnknownOutcome() && attempt < max);
            }
            if (!failure.failureClass().retryable()) {
                fail(row, failure, failure.failureClass().code());
            } else if (failure.outcomeUnknown() && !worker.resubmitUnknownOutcome()) {
                failUnknown(row, failure, "We lost contact with " + client.name() + " while sending this job.");
            } else {
                retryOrGiveUp(row, attempt, max, failure);
            }
            return;
        }
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        metrics.call(model, "submit", answer.done() ? "success" : "processing", nanos);
        if (answer.done()) {
            // the billable moment: the provider took it (and is done)
            ledger.charged(row.job(), answer.providerId(), attempt, answer.reportedCostMicros());
            releaseQueuePlace(row.jobId());
            finish(row, answer);
            return;
        }
        // keep the provider's id the moment it is known: from now on the job is only ever polled
        boolean polling = store.startPolling(row.jobId(), answer.providerId(), answer.pollUrl(), answer.laterLinks(),
                spaced(firstPollWait(answer)), settings.deadlineOf(model), settings.providerRetention());
        // the billable moment, once the id is safe: billed whatever happens to the job now (a cancel included). Sent
        // again (same entry id) when the job ends, so a charge lost with a worker that died just now is not lost
        ledger.charged(row.job(), answer.providerId(), attempt, null);
        if (polling) {
            log.info("Job {}: {} accepted it as {} (eta {} s)", row.jobId(), model, answer.providerId(), answer.etaSeconds());
            notices.processing(row.job(), answer.etaSeconds());
        } else {
            // cancelled meanwhile: the provider's job runs on, but nobody waits for it
            releaseQueuePlace(row.jobId());
        }
    }

    /** A submit was under way when its worker died: the provider may or may not hold the job. */
    private void unknownSubmit(JobRow row) {
        var failure = new ProviderFailure(FailureClass.NETWORK, "the worker stopped while sending the job; whether "
                + client.name() + " took it is unknown", null, "", true);
        releaseQueuePlace(row.jobId());
        int max = policies.maxAttempts(row.model());
        ledger.possiblyCharged(row.job(), row.attempts(), worker.resubmitUnknownOutcome() && row.attempts() < max);
        if (worker.resubmitUnknownOutcome()) {
            retryOrGiveUp(row, row.attempts(), max, failure);
        } else {
            failUnknown(row, failure, "DESAYRE restarted while sending this job to " + client.name() + ".");
        }
    }

    private void retryOrGiveUp(JobRow row, int attempt, int max, ProviderFailure failure) {
        if (attempt >= max) {
            giveUp(row, attempt, failure);
            return;
        }
        // bounded by attempts only: a job not at the provider has no deadline running
        var wait = policies.backoff(row.model(), attempt, failure);
        if (store.retryLater(row.jobId(), wait, failure.failureClass())) {
            metrics.retry(row.model(), failure.failureClass());
            notices.retrying(row.job(), attempt, max, Instant.now().plus(wait), describe(failure));
        }
    }

    // ---- poll ---------------------------------------------------------------------------------

    private CompletableFuture<Void> poll(JobRow row) {
        var model = row.model();
        var breaker = policies.breaker(model);
        if (!breaker.tryAcquirePermission()) {
            park(row, policies.maxAttempts(model));
            return done();
        }
        // after a restart the job is new to this worker's bulkhead: take a place if one is free
        if (!queued.contains(row.jobId())) {
            acquireQueuePlace(row.jobId());
        }
        long started = System.nanoTime();
        var service = org.slf4j.MDC.get(JobTrace.SERVICE);
        metrics.activeCalls().incrementAndGet();
        return client.poll(row, policies.fetchTimeout())
                .handleAsync((answer, error) -> {
                    metrics.activeCalls().decrementAndGet();
                    return JobTrace.within(row.traceParent(), service, () -> {
                        afterPoll(row, breaker, System.nanoTime() - started, answer, error);
                        return null;
                    });
                }, work);
    }

    private void afterPoll(JobRow row, CircuitBreaker breaker, long nanos, ProviderAnswer answer, Throwable error) {
        var model = row.model();
        int polls = row.polls() + 1;
        if (error != null) {
            var failure = asFailure(error);
            metrics.call(model, "fetch", failure.failureClass().tag(), nanos);
            record(breaker, nanos, failure);
            if (failure.failureClass().retryable()) {
                // polling is not failure: the provider still holds the job
                log.info("Job {}: poll {} failed ({}); polling on", row.jobId(), polls, failure.getMessage());
                var wait = spaced(pollBackoff(polls));
                if (failure.retryAfter() != null && failure.retryAfter().compareTo(wait) > 0) {
                    wait = failure.retryAfter();
                }
                keepOrForget(row, store.later(row.jobId(), wait, true, false));
                return;
            }
            releaseQueuePlace(row.jobId());
            var kind = failure.failureClass();
            var code = kind == FailureClass.CONTENT_POLICY || kind == FailureClass.AUTH || kind == FailureClass.EXPIRED
                    ? kind.code() : JobError.PROVIDER_FAILED;
            log.warn("Job {}: {} gave up on {}: {}", row.jobId(), client.name(), row.providerId(), failure.getMessage());
            ledger.charged(row.job(), row.providerId(), row.attempts(), null);
            if (kind == FailureClass.PROVIDER_FAILED || kind == FailureClass.EXPIRED) {
                // its own failure before the work it bills for (a moderated job, CONTENT_POLICY, is billed)
                ledger.credited(row.job(), row.providerId(), row.attempts(), failure.getMessage());
            }
            fail(row, failure, code);
            return;
        }
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        if (answer.done()) {
            metrics.call(model, "fetch", "success", nanos);
            releaseQueuePlace(row.jobId());
            finish(row, answer);
            return;
        }
        metrics.call(model, "fetch", "processing", nanos);
        // past its deadline a job is polled at the slow interval (the provider's eta means little by then)
        // until the provider ends it or its retention is over
        var wait = spaced(row.overdue() ? settings.pollMax()
                : answer.etaSeconds() > 0 ? etaWait(answer.etaSeconds()) : pollBackoff(polls));
        Integer told = null;
        if (worker.tellsProgress() && row.sinceNoticeMs() >= worker.progressEvery().toMillis()) {
            told = answer.progress() != null ? answer.progress() : row.progress() != null ? row.progress() : -1;
            notices.progress(row.job(), told < 0 ? null : told, Duration.ofMillis(row.workingMs()));
        }
        keepOrForget(row, store.pending(row.jobId(), wait, told));
    }

    /** A write that did not land means the job is no longer this worker's (cancelled, or its lease ran out). */
    private void keepOrForget(JobRow row, boolean written) {
        if (!written) {
            releaseQueuePlace(row.jobId());
        }
    }

    /**
     * Keeps all polls of this worker under {@code max-polls-per-second}: each poll takes the next
     * free slot of a shared pace (one slot every 1/max seconds) at or after the time it would
     * otherwise be due, so 5,000 open jobs at 50 polls/s are each polled about every 100 s.
     */
    private Duration spaced(Duration wait) {
        if (worker.maxPollsPerSecond() <= 0) {
            return wait;
        }
        var interval = (long) (1_000_000_000L / worker.maxPollsPerSecond());
        var now = System.nanoTime();
        var earliest = now + wait.toNanos();
        var slot = nextPollSlot.updateAndGet(next -> Math.max(next, earliest) + interval) - interval;
        return Duration.ofNanos(slot - now);
    }

    /** Places free in the provider's queue (the account-queue bulkhead): how many waiting jobs may be sent now. */
    int submitSlots() {
        return policies.accountQueue().getMetrics().getAvailableConcurrentCalls();
    }

    /**
     * Gives back the places this instance holds for jobs no longer at the provider. Any instance may
     * poll a job another one sent (leases, not owners, decide who polls), so the instance that sent it
     * may never see it finish; without this its places would leak until it sent nothing more. At most
     * once a second.
     */
    void reconcilePlaces() {
        long now = System.nanoTime();
        long last = lastReconcile.get();
        if (queued.isEmpty() || now - last < RECONCILE_EVERY.toNanos() || !lastReconcile.compareAndSet(last, now)) {
            return;
        }
        var held = java.util.Set.copyOf(queued);
        var stillThere = store.stillAtProvider(held);
        for (var jobId : held) {
            if (!stillThere.contains(jobId)) {
                releaseQueuePlace(jobId);
            }
        }
    }

    /** A job cancelled while this worker may hold its place in the provider's queue. */
    void forget(String jobId) {
        releaseQueuePlace(jobId);
    }

    // ---- outcomes -----------------------------------------------------------------------------

    private void finish(JobRow row, ProviderAnswer answer) {
        // a synchronous answer's charge was just sent; a polled job's is sent again (same entry id), with what the
        // provider reported it charged where it says
        if (row.state() == JobRow.JobState.POLLING) {
            ledger.charged(row.job(), row.providerId(), row.attempts(), answer.reportedCostMicros());
        }
        if (answer.outputs().isEmpty()) {
            ledger.credited(row.job(), providerIdOf(row, answer), row.state() == JobRow.JobState.POLLING ? row.attempts()
                    : row.attempts() + 1, client.name() + " finished without an output");
            fail(row, new ProviderFailure(FailureClass.PROVIDER_FAILED, client.name() + " finished without an output", null,
                    "it finished without an " + client.makes(), false), JobError.PROVIDER_FAILED);
            return;
        }
        notices.mediaReady(row.job(), answer, row.ageMs());
        if (store.done(row.jobId())) {
            metrics.finished(row.model(), "completed", Duration.ofMillis(row.ageMs()));
            log.info("Job {}: {} ready after {} ms", row.jobId(), client.makes(), row.ageMs());
        }
    }

    private void fail(JobRow row, ProviderFailure failure, String code) {
        notices.failed(row.job(), code, personMessage(failure, code));
        if (store.failed(row.jobId(), code, failure.failureClass().name())) {
            metrics.finished(row.model(), code, Duration.ofMillis(row.ageMs()));
        }
    }

    /**
     * @param what happened, first in the person's message: the provider's connection failed mid-submit, or this worker
     *             stopped mid-submit (the code is the same, the cause is not: the chaos harness tells them apart by it)
     */
    private void failUnknown(JobRow row, ProviderFailure failure, String what) {
        notices.deadLetter(row, failure, row.attempts());
        notices.failed(row.job(), JobError.SUBMISSION_UNKNOWN, what + " It was not sent again so you are not charged twice; try again.");
        if (store.failed(row.jobId(), JobError.SUBMISSION_UNKNOWN, failure.failureClass().name())) {
            metrics.finished(row.model(), JobError.SUBMISSION_UNKNOWN, Duration.ofMillis(row.ageMs()));
        }
    }

    /** Retryable and out of attempts (or time): dead-letter the record, fail the job. */
    private void giveUp(JobRow row, int attempts, ProviderFailure failure) {
        releaseQueuePlace(row.jobId());
        log.warn("Job {}: giving up after {} attempt(s): {}", row.jobId(), attempts, failure.getMessage());
        notices.deadLetter(row, failure, attempts);
        notices.failed(row.job(), JobError.PROVIDER_UNAVAILABLE, "The " + client.makes() + " provider is not answering properly right now ("
                + describe(failure) + (attempts > 0 ? ", " + attempts + (attempts == 1 ? " attempt" : " attempts") : "")
                + "). Try again in a few minutes.");
        if (store.failed(row.jobId(), JobError.PROVIDER_UNAVAILABLE, failure.failureClass().name())) {
            metrics.finished(row.model(), JobError.PROVIDER_UNAVAILABLE, Duration.ofMillis(row.ageMs()));
        }
    }

    /** An open breaker parks the job: no attempt spent, the user told once. */
    private void park(JobRow row, int max) {
        var wait = policies.parkFor(row.model());
        if (store.later(row.jobId(), wait, false, true) && !row.parked()) {
            notices.parked(row.job(), row.attempts(), max, Instant.now().plus(wait));
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private boolean acquireQueuePlace(String jobId) {
        if (queued.contains(jobId)) {
            return true;
        }
        if (policies.accountQueue().tryAcquirePermission()) {
            queued.add(jobId);
            return true;
        }
        return false;
    }

    private void releaseQueuePlace(String jobId) {
        if (queued.remove(jobId)) {
            policies.accountQueue().onComplete();
            placeFreed.run();
        }
    }

    /** {@code whenFreed} runs each time a place in the provider's queue frees (the next waiting job need not wait for a tick). */
    void onPlaceFreed(Runnable whenFreed) {
        placeFreed = whenFreed;
    }

    private static void record(CircuitBreaker breaker, long nanos, ProviderFailure failure) {
        if (failure.failureClass().providerSick()) {
            breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
        } else {
            breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private Duration firstPollWait(ProviderAnswer answer) {
        return answer.etaSeconds() > 0 ? etaWait(answer.etaSeconds()) : settings.pollMin();
    }

    /** The provider's eta, clamped to [pollMin, etaCap]. */
    private Duration etaWait(double etaSeconds) {
        var eta = Duration.ofMillis((long) (etaSeconds * 1000));
        return eta.compareTo(settings.pollMin()) < 0 ? settings.pollMin() : eta.compareTo(settings.etaCap()) > 0 ? settings.etaCap() : eta;
    }

    /** pollMin, doubling per poll, up to pollMax. */
    private Duration pollBackoff(int polls) {
        var wait = settings.pollMin().multipliedBy(1L << Math.min(20, Math.max(0, polls - 1)));
        return wait.compareTo(settings.pollMax()) > 0 ? settings.pollMax() : wait;
    }

    private static ProviderFailure asFailure(Throwable error) {
        var cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ProviderFailure failure) {
            return failure;
        }
        return new ProviderFailure(FailureClass.NETWORK, "unexpected " + cause.getClass().getSimpleName(), null, "", true);
    }

    private static String describe(ProviderFailure failure) {
        return switch (failure.failureClass()) {
            case RATE_LIMITED -> "the provider's queue is full";
            case SERVER_ERROR -> "provider error";
            case NETWORK -> "connection problem";
            case TIMEOUT -> failure.providerMessage().isBlank() ? "no answer in time" : failure.providerMessage();
            case MALFORMED -> "unreadable answer";
            default -> failure.failureClass().tag();
        };
    }

    private String personMessage(ProviderFailure failure, String code) {
        var said = failure.providerMessage().isBlank() ? "" : ": " + failure.providerMessage();
        var provider = client.name();
        return switch (code) {
            case JobError.PROVIDER_AUTH -> provider + " refused DESAYRE's account (API key, credits or plan). "
                    + "An administrator needs to check it; the job was not retried.";
            case JobError.CONTENT_POLICY -> provider + (provider.endsWith("s") ? "'" : "'s") + " content policy blocked this "
                    + client.makes() + ". Change the prompt (or the source image) and try again.";
            case JobError.PROVIDER_REJECTED -> provider + " refused this job" + said + ". Change it and try again.";
            case JobError.PROVIDER_FAILED -> provider + " accepted the job but could not finish it" + said + ". Try again.";
            case JobError.PROVIDER_EXPIRED -> provider + " no longer knows this job (it expired)" + said + ". Try again.";
            default -> "The " + client.makes() + " provider could not make this " + client.makes() + said + ".";
        };
    }

    /** The provider's id of the submission that finished: the polled one, or a synchronous answer's own. */
    private static String providerIdOf(JobRow row, ProviderAnswer answer) {
        if (row.state() == JobRow.JobState.POLLING) {
            return row.providerId();
        }
        return answer.providerId().isBlank() ? "attempt-" + (row.attempts() + 1) : answer.providerId();
    }

    private static CompletableFuture<Void> done() {
        return CompletableFuture.completedFuture(null);
    }
}
