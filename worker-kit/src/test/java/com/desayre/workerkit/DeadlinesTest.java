package com.desayre.workerkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.JobError;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.platform.JobTrace;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which clock counts what: a job's provider deadline starts when the provider takes it (time in
 * DESAYRE's own line never counts), past it the job is late, not lost; the request's own
 * {@code maxWaitSeconds} bounds only the wait in line; the provider's retention ends the polling.
 */
class DeadlinesTest {

    @Test
    void timeWaitingInOurOwnLineDoesNotCountAgainstTheProviderDeadline() {
        var machine = new StepMachine("kit_deadline_line", Duration.ofMinutes(1));
        // entered DESAYRE ten minutes ago, and waited all that time in the worker's line
        var job = StepMachine.job(null, Instant.now().minus(Duration.ofMinutes(10)));
        machine.accept(job);
        machine.db.sql("update " + StepMachine.TABLE + " set created_at = created_at - interval '10 minutes' where job_id = :id")
                .bind("id", job.jobId()).fetch().rowsUpdated().block(Duration.ofSeconds(10));
        machine.provider.onSubmit(ProviderAnswer.pending("p-1", 0, "", null))
                .onPoll(ProviderAnswer.pending("p-1", 0, "", null));

        machine.step();
        var polled = machine.step();

        // the deadline of one minute runs from when the provider took the job, not from when it arrived
        assertThat(machine.row(job.jobId())).containsEntry("deadline_ms", 60_000L).containsEntry("late_told", false);
        var row = polled.get(0);
        assertThat(row.overdue()).isFalse();
        assertThat(row.ageMs()).isGreaterThanOrEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(row.workingMs()).isLessThan(row.ageMs() - Duration.ofMinutes(9).toMillis());
        assertThat(machine.outbox.statuses(job.jobId())).extracting(StatusChanged::message)
                .noneMatch(message -> message.contains("longer than usual"));
    }

    @Test
    void aJobPastItsDeadlineAtTheProviderIsToldLateOnceAndPolledOnSlowlyUntilItIsDone() {
        // a deadline of zero: the job is late as soon as the provider has it
        var machine = new StepMachine("kit_deadline_late", Duration.ZERO);
        var job = StepMachine.job();
        machine.provider.onSubmit(ProviderAnswer.pending("p-1", 0, "", null))
                .onPoll(ProviderAnswer.pending("p-1", 3, "", null))
                .onPoll(ProviderAnswer.pending("p-1", 3, "", null))
                .onPoll(ProviderAnswer.done("p-1", List.of("https://provider.test/p-1.png"), null));
        machine.accept(job);
        machine.step();

        assertThat(machine.step()).singleElement().satisfies(row -> assertThat(row.overdue()).isTrue());
        // polled at the slow interval, whatever the provider's eta says
        assertThat(machine.row(job.jobId())).containsEntry("late_told", true).containsEntry("state", "POLLING")
                .containsEntry("next_in_ms", StepMachine.POLL_MAX.toMillis());
        ProviderFailureStepsTest.makeDue(machine, job.jobId());
        machine.step();
        ProviderFailureStepsTest.makeDue(machine, job.jobId());
        machine.step();

        assertThat(machine.state(job.jobId())).isEqualTo("DONE");
        assertThat(machine.outbox.results()).hasSize(1);
        assertThat(machine.outbox.statuses(job.jobId())).extracting(StatusChanged::message)
                .filteredOn(message -> message.contains("longer than usual")).hasSize(1);
    }

    @Test
    void aJobWhoseWaitInLineOutlastedItsMaxWaitEndsExpiredInQueueAndIsNeverSent() {
        var machine = new StepMachine("kit_max_wait", Duration.ofMinutes(5));
        // allowed one minute in line, entered two minutes ago (every place at the provider was taken)
        var job = StepMachine.job(60, Instant.now().minus(Duration.ofMinutes(2)));
        var traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        try (var trace = JobTrace.resume(traceparent, "image-worker")) {
            machine.accept(job);
        }

        assertThat(machine.step()).isEmpty();
        machine.line.look();

        assertThat(machine.row(job.jobId())).containsEntry("state", "FAILED").containsEntry("error_code", JobError.EXPIRED_IN_QUEUE);
        assertThat(machine.provider.submitted).isEmpty();
        var failed = machine.outbox.last(job.jobId());
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().message()).contains("allowed at most 1 min", "nothing was charged");
        // in the job's own trace, though the line ends it outside any
        assertThat(machine.outbox.on(Topics.STATUS)).singleElement().satisfies(sent -> assertThat(sent.traceparent()).isEqualTo(traceparent));
        machine.line.look(); // another instance looks too: the job ends once
        assertThat(machine.outbox.statusesOf(job.jobId())).containsExactly(JobStatus.FAILED);
    }

    @Test
    void maxWaitNeverCutsAJobTheProviderAlreadyHas() {
        var machine = new StepMachine("kit_max_wait_sent", Duration.ofMinutes(5));
        var job = StepMachine.job(60, Instant.now().minus(Duration.ofSeconds(30)));
        machine.provider.onSubmit(new ProviderFailure(FailureClass.SERVER_ERROR, "503", null, "", false))
                .onSubmit(ProviderAnswer.pending("p-1", 0, "", null));
        machine.accept(job);
        machine.step(); // sent once, in time; now waiting to be retried
        machine.db.sql("update " + StepMachine.TABLE + " set wait_until = now() - interval '1 second' where job_id = :id")
                .bind("id", job.jobId()).fetch().rowsUpdated().block(Duration.ofSeconds(10));

        machine.line.look();
        machine.step();

        assertThat(machine.row(job.jobId())).containsEntry("state", "POLLING").containsEntry("attempts", 2);
        assertThat(machine.outbox.statusesOf(job.jobId())).doesNotContain(JobStatus.FAILED);
    }

    @Test
    void pollingStopsWhenTheProviderNoLongerKeepsTheJob() {
        var machine = new StepMachine("kit_retention", Duration.ofMinutes(5));
        var job = StepMachine.job();
        machine.provider.onSubmit(ProviderAnswer.pending("p-1", 0, "", null));
        machine.accept(job);
        machine.step();
        // as if the provider's retention (24 h) had passed while the job was still processing
        machine.db.sql("update " + StepMachine.TABLE + " set provider_keeps_until = now() - interval '1 second' where job_id = :id")
                .bind("id", job.jobId()).fetch().rowsUpdated().block(Duration.ofSeconds(10));

        machine.step();

        assertThat(machine.row(job.jobId())).containsEntry("state", "FAILED").containsEntry("error_code", JobError.PROVIDER_EXPIRED);
        assertThat(machine.provider.polled).isEmpty();
        assertThat(machine.outbox.last(job.jobId()).error().message()).contains("no longer knows this job");
    }
}
