package com.desayre.workerkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A model's circuit breaker: a sick provider opens it, and while it is open jobs are parked (no
 * attempt spent, the user told once), not failed. A provider that refuses jobs is not sick.
 */
class CircuitBreakerStepsTest {

    private final StepMachine machine = new StepMachine("kit_breaker", Duration.ofMinutes(5));

    @Test
    void anOpenBreakerParksTheJobWithoutSpendingAnAttemptAndSaysSoOnce() {
        var job = StepMachine.job();
        machine.accept(job);
        machine.breaker().transitionToOpenState();

        machine.step();

        assertThat(machine.provider.submitted).isEmpty();
        assertThat(machine.row(job.jobId())).containsEntry("state", "QUEUED").containsEntry("attempts", 0)
                .containsEntry("parked", true).containsEntry("next_in_ms", StepMachine.OPEN_FOR.toMillis());
        var parked = machine.outbox.last(job.jobId());
        assertThat(parked.status()).isEqualTo(JobStatus.RETRYING);
        assertThat(parked.message()).contains("TestProvider is failing right now");
        // not due again until the breaker may have closed; looked at again while still open, it is not told twice
        assertThat(machine.step()).isEmpty();
        ProviderFailureStepsTest.makeDue(machine, job.jobId());
        machine.step();
        assertThat(machine.outbox.statusesOf(job.jobId())).containsExactly(JobStatus.RETRYING);

        machine.breaker().transitionToHalfOpenState();
        machine.provider.onSubmit(ProviderAnswer.pending("p-1", 0, "", null));
        ProviderFailureStepsTest.makeDue(machine, job.jobId());
        machine.step();

        assertThat(machine.row(job.jobId())).containsEntry("state", "POLLING").containsEntry("attempts", 1)
                .containsEntry("parked", false);
    }

    @Test
    void aSickProviderOpensTheBreakerAndTheNextJobIsParkedNotFailed() {
        for (int i = 0; i < StepMachine.BREAKER_CALLS; i++) {
            machine.provider.onSubmit(new ProviderFailure(FailureClass.SERVER_ERROR, "503", null, "", false));
        }
        var first = StepMachine.job();
        var second = StepMachine.job();
        machine.accept(first);
        machine.accept(second);
        machine.step();
        machine.step();
        assertThat(machine.provider.submitted).hasSize(StepMachine.BREAKER_CALLS);
        assertThat(machine.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);

        var next = StepMachine.job();
        machine.accept(next);
        machine.step(); // the two retries are first in line: parked
        machine.step(); // then the new job: parked too

        assertThat(machine.provider.submitted).hasSize(StepMachine.BREAKER_CALLS);
        assertThat(machine.row(next.jobId())).containsEntry("state", "QUEUED").containsEntry("parked", true)
                .containsEntry("attempts", 0);
        // the two that failed keep the attempts they spent: parking adds none
        assertThat(machine.row(first.jobId())).containsEntry("attempts", 2).containsEntry("parked", true);
        assertThat(machine.outbox.statuses(next.jobId())).extracting(StatusChanged::status).containsExactly(JobStatus.RETRYING);
    }

    @Test
    void refusalsAndAFullProviderQueueDoNotOpenTheBreaker() {
        for (int i = 0; i < StepMachine.BREAKER_CALLS; i++) {
            machine.provider.onSubmit(i % 2 == 0
                    ? new ProviderFailure(FailureClass.CONTENT_POLICY, "nsfw", null, "", false)
                    : new ProviderFailure(FailureClass.RATE_LIMITED, "429", null, "", false));
            machine.accept(StepMachine.job());
        }

        machine.step();
        machine.step();

        assertThat(machine.provider.submitted).hasSize(StepMachine.BREAKER_CALLS);
        assertThat(machine.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(machine.breaker().getMetrics().getNumberOfFailedCalls()).isZero();
    }
}
