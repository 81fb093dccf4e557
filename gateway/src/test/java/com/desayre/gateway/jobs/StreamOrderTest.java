package com.desayre.gateway.jobs;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import java.time.Duration;
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
}
