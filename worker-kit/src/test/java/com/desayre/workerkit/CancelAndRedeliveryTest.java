package com.desayre.workerkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Priority;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Kafka delivers at least once, and a cancel may come at any moment (even before its job): every
 * record is idempotent, and a cancelled job is never advanced again.
 */
class CancelAndRedeliveryTest {

    private final StepMachine machine = new StepMachine("kit_cancel", Duration.ofMinutes(5));

    @Test
    void aRedeliveredRecordDoesNotMakeASecondJobOrASecondSubmit() {
        var job = StepMachine.job();
        machine.provider.onSubmit(ProviderAnswer.pending("p-1", 0, "", null));
        machine.accept(job);
        machine.accept(job);

        machine.step();
        machine.accept(job); // once more, while the provider holds it

        assertThat(machine.rows()).isEqualTo(1);
        assertThat(machine.provider.submitted).containsExactly(job.jobId());
        assertThat(machine.row(job.jobId())).containsEntry("state", "POLLING").containsEntry("attempts", 1);
        assertThat(machine.outbox.statusesOf(job.jobId())).containsExactly(JobStatus.SUBMITTED, JobStatus.PROCESSING);
    }

    @Test
    void aRecordRedeliveredAfterItsJobFinishedDoesNothing() {
        var job = StepMachine.job();
        machine.provider.onSubmit(ProviderAnswer.done("p-1", List.of("https://provider.test/p-1.png"), null));
        machine.accept(job);
        machine.step();
        var sent = machine.outbox.sent.size();

        machine.accept(job);

        assertThat(machine.step()).isEmpty();
        assertThat(machine.state(job.jobId())).isEqualTo("DONE");
        assertThat(machine.outbox.sent).hasSize(sent);
    }

    @Test
    void aCancelledWaitingJobIsNeverSentAndTheCancelIsToldOnce() {
        var job = StepMachine.job();
        machine.accept(job);

        machine.cancel(job.jobId());
        machine.cancel(job.jobId()); // redelivered

        assertThat(machine.step()).isEmpty();
        assertThat(machine.provider.submitted).isEmpty();
        assertThat(machine.state(job.jobId())).isEqualTo("CANCELLED");
        assertThat(machine.outbox.statusesOf(job.jobId())).containsExactly(JobStatus.CANCELLED);
    }

    @Test
    void aCancelThatOvertookItsJobKeepsTheJobFromEverStarting() {
        var job = StepMachine.job();

        machine.cancel(job.jobId());
        assertThat(machine.outbox.statusesOf(job.jobId())).isEmpty(); // nothing to tell the user about yet
        machine.accept(job);
        machine.accept(job); // redelivered: told once

        assertThat(machine.step()).isEmpty();
        assertThat(machine.provider.submitted).isEmpty();
        assertThat(machine.outbox.statusesOf(job.jobId())).containsExactly(JobStatus.CANCELLED);
    }

    @Test
    void aJobCancelledWhileItsPollIsUnderWayIsNotFinishedByTheLateAnswer() {
        var job = StepMachine.job();
        var poll = new CompletableFuture<ProviderAnswer>();
        machine.provider.onSubmit(ProviderAnswer.pending("p-1", 0, "", null)).onPoll("p-1", poll);
        machine.accept(job);
        machine.step();
        var claimed = machine.store.claimDue(8, machine.lease, machine.placesFree(), EnumSet.allOf(Priority.class));
        var step = machine.progress.advance(claimed.get(0));

        machine.cancel(job.jobId());
        poll.complete(ProviderAnswer.done("p-1", List.of("https://provider.test/p-1.png"), null));
        step.join();

        // the result that arrives now is the storage-sink's to discard; the worker's own row stays cancelled
        assertThat(machine.state(job.jobId())).isEqualTo("CANCELLED");
        assertThat(machine.outbox.last(job.jobId()).status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(machine.meters.find("desayre.image.jobs").tag("result", "completed").counter()).isNull();
        assertThat(machine.placesFree()).isEqualTo(StepMachine.PLACES);
        assertThat(machine.step()).isEmpty();
    }

    @Test
    void aJobCancelledWhileItsSubmitIsUnderWayIsNeverPolled() {
        var job = StepMachine.job();
        var submit = new CompletableFuture<ProviderAnswer>();
        machine.provider.onSubmit(submit);
        machine.accept(job);
        var claimed = machine.store.claimDue(8, machine.lease, machine.placesFree(), EnumSet.allOf(Priority.class));
        var step = machine.progress.advance(claimed.get(0));

        machine.cancel(job.jobId());
        submit.complete(ProviderAnswer.pending("p-1", 0, "", null));
        step.join();

        assertThat(machine.row(job.jobId())).containsEntry("state", "CANCELLED").containsEntry("provider_id", null);
        assertThat(machine.outbox.statusesOf(job.jobId())).containsExactly(JobStatus.SUBMITTED, JobStatus.CANCELLED);
        assertThat(machine.outbox.last(job.jobId()).message()).as("a cancel reads as one, not as the worker giving up")
                .isEqualTo(StatusChanged.CANCELLED_ON_REQUEST);
        assertThat(machine.step()).isEmpty();
        assertThat(machine.provider.polled).isEmpty();
        assertThat(machine.placesFree()).isEqualTo(StepMachine.PLACES);
    }

    @Test
    void aCancelAfterTheJobFinishedChangesNothing() {
        var job = StepMachine.job();
        machine.provider.onSubmit(ProviderAnswer.done("p-1", List.of("https://provider.test/p-1.png"), null));
        machine.accept(job);
        machine.step();

        machine.cancel(job.jobId());

        assertThat(machine.state(job.jobId())).isEqualTo("DONE");
        assertThat(machine.outbox.statusesOf(job.jobId())).doesNotContain(JobStatus.CANCELLED);
    }
}
