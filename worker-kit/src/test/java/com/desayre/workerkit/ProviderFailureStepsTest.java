package com.desayre.workerkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.JobError;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What the step machine makes of a provider that fails: a failed submit is an attempt (retried, then
 * dead-lettered), a failed poll is not (the provider still holds the job), a refusal ends the job
 * at once with its own code, and a submit whose outcome is unknown is never sent twice unless allowed.
 */
class ProviderFailureStepsTest {

    private static ProviderFailure serverError() {
        return new ProviderFailure(FailureClass.SERVER_ERROR, "TestProvider answered 503", null, "", false);
    }

    @Test
    void aRetryableSubmitFailureIsRetriedThenDeadLetteredAfterTheLastAttempt() {
        var machine = new StepMachine("kit_retry", Duration.ofMinutes(5));
        var job = StepMachine.job();
        machine.provider.onSubmit(serverError()).onSubmit(serverError()).onSubmit(serverError());
        machine.accept(job);

        machine.step();
        assertThat(machine.row(job.jobId())).containsEntry("state", "QUEUED").containsEntry("attempts", 1)
                .containsEntry("failure", "SERVER_ERROR");
        assertThat(machine.outbox.last(job.jobId()).retry().attempt()).isEqualTo(1);
        machine.step();
        machine.step();

        assertThat(machine.provider.submitted).hasSize(StepMachine.MAX_ATTEMPTS);
        assertThat(machine.row(job.jobId())).containsEntry("state", "FAILED").containsEntry("error_code", JobError.PROVIDER_UNAVAILABLE);
        assertThat(machine.outbox.statusesOf(job.jobId())).containsExactly(JobStatus.SUBMITTED, JobStatus.RETRYING,
                JobStatus.SUBMITTED, JobStatus.RETRYING, JobStatus.SUBMITTED, JobStatus.FAILED);
        assertThat(machine.outbox.last(job.jobId()).error().message()).contains("provider error", "3 attempts");
        // the dead letter carries the record's origin and why it failed, as the binder's own DLQ records do
        var dead = machine.outbox.on(Topics.dlq(Topics.IMAGE_REQUESTED));
        assertThat(dead).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(job.jobId());
            assertThat(record.event()).isEqualTo(job);
            assertThat(text(record.headers().get("x-original-topic"))).isEqualTo(Topics.IMAGE_REQUESTED);
            assertThat(ByteBuffer.wrap((byte[]) record.headers().get("x-original-partition")).getInt()).isEqualTo(1);
            assertThat(ByteBuffer.wrap((byte[]) record.headers().get("x-original-offset")).getLong()).isEqualTo(42L);
            assertThat(text(record.headers().get("x-desayre-failure-class"))).isEqualTo("SERVER_ERROR");
            assertThat(text(record.headers().get("x-desayre-attempts"))).isEqualTo("3");
        });
        assertThat(machine.step()).isEmpty();
    }

    @Test
    void aRefusalEndsTheJobAtOnceWithItsOwnCodeAndNoRetry() {
        var machine = new StepMachine("kit_refusal", Duration.ofMinutes(5));
        var nsfw = StepMachine.job();
        var badKey = StepMachine.job();
        machine.provider.onSubmit(new ProviderFailure(FailureClass.CONTENT_POLICY, "nsfw", null, "nsfw content detected", false));
        machine.accept(nsfw);
        machine.step();
        machine.provider.onSubmit(new ProviderFailure(FailureClass.AUTH, "401", null, "", false));
        machine.accept(badKey);
        machine.step();

        assertThat(machine.row(nsfw.jobId())).containsEntry("state", "FAILED").containsEntry("error_code", JobError.CONTENT_POLICY)
                .containsEntry("attempts", 1);
        assertThat(machine.outbox.last(nsfw.jobId()).error().message()).contains("content policy");
        assertThat(machine.row(badKey.jobId())).containsEntry("state", "FAILED").containsEntry("error_code", JobError.PROVIDER_AUTH);
        assertThat(machine.outbox.statusesOf(nsfw.jobId())).doesNotContain(JobStatus.RETRYING);
        // a refusal is not a dead letter: there is nothing to replay
        assertThat(machine.outbox.on(Topics.dlq(Topics.IMAGE_REQUESTED))).isEmpty();
        assertThat(machine.provider.submitted).hasSize(2);
    }

    @Test
    void aFailedPollIsNotAnAttemptThePollingGoesOnUntilTheImageIsThere() {
        var machine = new StepMachine("kit_poll_fails", Duration.ofMinutes(5));
        var job = StepMachine.job();
        machine.provider.onSubmit(ProviderAnswer.pending("p-1", 0, "", null))
                .onPoll("p-1", new ProviderFailure(FailureClass.NETWORK, "connection reset", null, "", true))
                .onPoll("p-1", new ProviderFailure(FailureClass.RATE_LIMITED, "429", Duration.ofSeconds(20), "", false))
                .onPoll(ProviderAnswer.done("p-1", List.of("https://provider.test/p-1.png"), null));
        machine.accept(job);
        machine.step();

        machine.step();
        assertThat(machine.row(job.jobId())).containsEntry("state", "POLLING").containsEntry("attempts", 1)
                .containsEntry("polls", 1);
        machine.step();
        // the provider's retry-after is longer than the poll backoff: it wins
        assertThat(machine.row(job.jobId())).containsEntry("next_in_ms", 20_000L);
        makeDue(machine, job.jobId());
        machine.step();

        assertThat(machine.state(job.jobId())).isEqualTo("DONE");
        assertThat(machine.provider.submitted).hasSize(1);
        assertThat(machine.outbox.statusesOf(job.jobId())).containsExactly(JobStatus.SUBMITTED, JobStatus.PROCESSING);
    }

    @Test
    void aPollThatSaysTheProviderGaveUpFailsTheJobWithoutResubmittingIt() {
        var machine = new StepMachine("kit_poll_gave_up", Duration.ofMinutes(5));
        var job = StepMachine.job();
        machine.provider.onSubmit(ProviderAnswer.pending("p-1", 0, "", null))
                .onPoll("p-1", new ProviderFailure(FailureClass.REJECTED, "failed", null, "the image could not be generated", false));
        machine.accept(job);

        machine.step();
        machine.step();

        assertThat(machine.row(job.jobId())).containsEntry("state", "FAILED").containsEntry("error_code", JobError.PROVIDER_FAILED);
        assertThat(machine.outbox.last(job.jobId()).error().message()).contains("the image could not be generated");
        assertThat(machine.provider.submitted).hasSize(1);
        assertThat(machine.placesFree()).isEqualTo(StepMachine.PLACES);
    }

    @Test
    void aSubmitWithAnUnknownOutcomeIsNotSentTwiceTheJobFailsSubmissionUnknown() {
        var machine = new StepMachine("kit_unknown", Duration.ofMinutes(5));
        var job = StepMachine.job();
        machine.provider.onSubmit(new ProviderFailure(FailureClass.TIMEOUT, "no answer within 30000 ms", null, "", true));
        machine.accept(job);

        machine.step();

        assertThat(machine.row(job.jobId())).containsEntry("state", "FAILED").containsEntry("error_code", JobError.SUBMISSION_UNKNOWN);
        assertThat(machine.outbox.last(job.jobId()).error().message()).contains("not charged twice");
        assertThat(machine.outbox.on(Topics.dlq(Topics.IMAGE_REQUESTED))).hasSize(1);
        assertThat(machine.provider.submitted).hasSize(1);
    }

    @Test
    void aSubmitWithAnUnknownOutcomeIsSentAgainWhenTheWorkerIsAllowedTo() {
        var machine = new StepMachine("kit_unknown_resend", Duration.ofMinutes(5), true, Duration.ofSeconds(30));
        var job = StepMachine.job();
        machine.provider.onSubmit(new ProviderFailure(FailureClass.TIMEOUT, "no answer within 30000 ms", null, "", true))
                .onSubmit(ProviderAnswer.pending("p-2", 0, "", null));
        machine.accept(job);

        machine.step();
        assertThat(machine.row(job.jobId())).containsEntry("state", "QUEUED");
        machine.step();

        assertThat(machine.row(job.jobId())).containsEntry("state", "POLLING").containsEntry("attempts", 2)
                .containsEntry("provider_id", "p-2");
    }

    @Test
    void aSubmitCutShortByTheWorkersDeathIsFailedByTheNextWorkerNotResent() {
        var machine = new StepMachine("kit_died", Duration.ofMinutes(5), false, Duration.ofMillis(200));
        var job = StepMachine.job();
        // the call never comes back: the worker died while it was under way
        machine.provider.onSubmit(new CompletableFuture<>());
        machine.accept(job);
        var claimed = machine.store.claimDue(8, machine.lease, machine.placesFree(), EnumSet.allOf(Priority.class));
        assertThat(claimed).hasSize(1);
        var lost = machine.progress.advance(claimed.get(0));
        assertThat(machine.state(job.jobId())).isEqualTo("SUBMITTING");

        // its lease runs out: the job is due again, still SUBMITTING
        var again = await().atMost(Duration.ofSeconds(10))
                .until(() -> machine.store.claimDue(8, machine.lease, machine.placesFree(), EnumSet.allOf(Priority.class)),
                        rows -> !rows.isEmpty());
        assertThat(again.get(0).state()).isEqualTo(JobRow.JobState.SUBMITTING);
        machine.progress.advance(again.get(0)).join();

        assertThat(machine.row(job.jobId())).containsEntry("state", "FAILED").containsEntry("error_code", JobError.SUBMISSION_UNKNOWN);
        assertThat(machine.provider.submitted).hasSize(1);
        // the provider may hold (and bill) it: a possible charge in the ledger, not counted
        assertThat(machine.outbox.ledger(job.jobId())).singleElement().satisfies(entry -> {
            assertThat(entry.entryId()).isEqualTo(com.desayre.contracts.CostIncurred.unknownId(job.jobId(), 1));
            assertThat(entry.possibleDuplicate()).isTrue();
        });
        assertThat(lost).isNotDone();
        // the place the lost call held at the provider's queue is given back
        assertThat(machine.placesFree()).isEqualTo(StepMachine.PLACES);
    }

    /** As if the wait the job was told had passed. */
    static void makeDue(StepMachine machine, String jobId) {
        machine.db.sql("update " + StepMachine.TABLE + " set next_at = now() where job_id = :id").bind("id", jobId)
                .fetch().rowsUpdated().block(Duration.ofSeconds(10));
    }

    private static String text(Object header) {
        return new String((byte[]) header, StandardCharsets.UTF_8);
    }
}
