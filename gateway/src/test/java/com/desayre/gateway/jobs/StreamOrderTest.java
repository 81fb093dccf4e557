package com.desayre.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.gateway.messaging.StatusBus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * What reaches an SSE client, step by step: the one-job stream ({@code JobsController.legalMovesOnly}) and the
 * all-jobs stream ({@code EventsController.legalMovesPerJob}) pass only moves the state machine allows, once each.
 */
class StreamOrderTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static StatusChanged status(String jobId, JobStatus status) {
        return StatusChanged.of(jobId, "ann", JobKind.IMAGE, status, "test", status.name());
    }

    @Test
    void oneJobsStreamDropsRepeatsAndStaleEvents() {
        var queued = status("j1", JobStatus.QUEUED);
        var encoded = status("j1", JobStatus.ENCODED);
        var completed = status("j1", JobStatus.COMPLETED);
        // the store's answer first, then a live copy of it, then a late QUEUED from before
        StepVerifier.create(Flux.just(encoded, encoded, queued, completed).transform(JobsController::legalMovesOnly))
                .expectNext(encoded, completed)
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void nothingFollowsATerminalStatus() {
        var cancelled = status("j1", JobStatus.CANCELLED);
        StepVerifier.create(Flux.just(status("j1", JobStatus.QUEUED), cancelled, status("j1", JobStatus.PROCESSING),
                        status("j1", JobStatus.COMPLETED)).transform(JobsController::legalMovesOnly).skip(1))
                .expectNext(cancelled)
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void theAllJobsStreamKeepsEachJobsOrderApart() {
        var a1 = status("a", JobStatus.QUEUED);
        var b1 = status("b", JobStatus.QUEUED);
        var a2 = status("a", JobStatus.ENCODED);
        var b2 = status("b", JobStatus.CANCELLED);
        // a's late QUEUED is dropped, b's is too; each job's moves pass, interleaved as they came
        StepVerifier.create(Flux.just(a1, b1, a2, status("a", JobStatus.QUEUED), b2, b2, status("b", JobStatus.QUEUED))
                        .transform(EventsController::legalMovesPerJob))
                .expectNext(a1, b1, a2, b2)
                .expectComplete()
                .verify(WAIT);
    }

    /** Each subscriber (each SSE connection) has its own memory of what it sent. */
    @Test
    void eachConnectionStartsAfresh() {
        var queued = status("j1", JobStatus.QUEUED);
        var stream = Flux.just(queued).transform(EventsController::legalMovesPerJob);
        StepVerifier.create(stream).expectNext(queued).expectComplete().verify(WAIT);
        StepVerifier.create(stream).expectNext(queued).expectComplete().verify(WAIT);
    }

    /**
     * Many jobs at once, each job's stages publishing concurrently (the encoder's ENCODED lands before the gateway's
     * QUEUED, as it can on the status topic), and the client reconnecting half-way with Last-Event-ID: per job, what
     * the client gets over both connections never goes backwards, and every job's ending arrives.
     */
    @Test
    void manyConcurrentJobsNeverGoBackwardsAlsoAcrossAReconnect() throws Exception {
        var bus = new StatusBus();
        Predicate<StatusChanged> all = status -> true;
        var jobs = IntStream.range(0, 300).mapToObj(i -> "job-" + i).toList();
        var received = new ConcurrentLinkedQueue<StatusChanged>();
        var first = bus.resume(null, all, Flux.empty()).transform(EventsController::legalMovesPerJob)
                .doOnNext(received::add).take(jobs.size() / 2).subscribe();
        publishConcurrently(bus, jobs, JobStatus.ENCODED, JobStatus.QUEUED);
        await().atMost(WAIT).until(first::isDisposed);
        var lastEventId = received.stream().reduce((a, b) -> b).orElseThrow().eventId();

        var ended = new java.util.concurrent.CountDownLatch(jobs.size());
        var second = Flux.defer(() -> EventsController.legalMovesPerJob(bus.resume(lastEventId, all, Flux.empty()),
                        bus.upTo(lastEventId, all)))
                .doOnNext(status -> {
                    received.add(status);
                    if (status.status().isTerminal()) {
                        ended.countDown();
                    }
                }).subscribe();
        try {
            publishConcurrently(bus, jobs, JobStatus.PROCESSING, JobStatus.COMPLETED);
            assertThat(ended.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("every job's ending arrived").isTrue();
        } finally {
            second.dispose();
        }
        var perJob = new HashMap<String, List<JobStatus>>();
        received.forEach(status -> perJob.computeIfAbsent(status.jobId(), id -> new ArrayList<>()).add(status.status()));
        perJob.forEach((jobId, seen) -> {
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i - 1).canMoveTo(seen.get(i))).as(jobId + " went " + seen).isTrue();
            }
        });
    }

    /** Each job's two statuses in this order, the jobs published from 8 threads at once. */
    private static void publishConcurrently(StatusBus bus, List<String> jobs, JobStatus one, JobStatus two) throws Exception {
        var pool = Executors.newFixedThreadPool(8);
        try {
            var sent = new ArrayList<Future<?>>();
            for (var jobId : jobs) {
                sent.add(pool.submit(() -> {
                    bus.publish(status(jobId, one));
                    bus.publish(status(jobId, two));
                }));
            }
            for (var future : sent) {
                future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
