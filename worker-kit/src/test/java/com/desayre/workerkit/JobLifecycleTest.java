package com.desayre.workerkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.JobError;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Topics;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A job's way through the step machine when the provider behaves: submit, poll, done. */
class JobLifecycleTest {

    private final StepMachine machine = new StepMachine("kit_lifecycle", Duration.ofMinutes(5));

    @Test
    void aJobIsSubmittedThenPolledUntilTheProviderHasItsImage() {
        var job = StepMachine.job();
        machine.provider.onSubmit(ProviderAnswer.pending("p-1", 0, "", null))
                .onPoll(ProviderAnswer.pending("p-1", 0, "", 40))
                .onPoll(ProviderAnswer.done("p-1", List.of("https://provider.test/p-1.png"), 99L));
        machine.accept(job);

        assertThat(machine.step()).hasSize(1);
        // the provider's id is kept the moment it is known: from now on the job is only polled
        assertThat(machine.row(job.jobId())).containsEntry("state", "POLLING").containsEntry("provider_id", "p-1")
                .containsEntry("attempts", 1);
        machine.step();
        assertThat(machine.state(job.jobId())).isEqualTo("POLLING");
        machine.step();

        assertThat(machine.state(job.jobId())).isEqualTo("DONE");
        assertThat(machine.provider.submitted).containsExactly(job.jobId());
        assertThat(machine.provider.polled).containsExactly("p-1", "p-1");
        assertThat(machine.outbox.statusesOf(job.jobId())).containsExactly(JobStatus.SUBMITTED, JobStatus.PROCESSING);
        var ready = machine.outbox.on(Topics.MEDIA_READY);
        assertThat(ready).singleElement().satisfies(sent -> assertThat(sent.key()).isEqualTo(job.jobId()));
        assertThat(machine.outbox.results().get(0).outputUrls()).containsExactly("https://provider.test/p-1.png");
        assertThat(machine.outbox.results().get(0).seed()).isEqualTo(99L);
        // a finished job is never taken again, and its place at the provider is free
        assertThat(machine.step()).isEmpty();
        assertThat(machine.placesFree()).isEqualTo(StepMachine.PLACES);
        assertThat(machine.meters.get("desayre.image.jobs").tag("result", "completed").counter().count()).isEqualTo(1);
    }

    @Test
    void aProviderThatAnswersAtOnceFinishesTheJobWithoutAPoll() {
        var job = StepMachine.job();
        machine.provider.onSubmit(ProviderAnswer.done("p-sync", List.of("https://provider.test/a.png", "https://provider.test/b.png"),
                null));
        machine.accept(job);

        machine.step();

        assertThat(machine.state(job.jobId())).isEqualTo("DONE");
        assertThat(machine.provider.polled).isEmpty();
        // the provider named no seed: the one the user asked for is reported
        assertThat(machine.outbox.results()).singleElement().satisfies(ready -> {
            assertThat(ready.outputUrls()).hasSize(2);
            assertThat(ready.seed()).isEqualTo(7L);
        });
    }

    @Test
    void aFinishedAnswerWithoutAnOutputFailsTheJobInsteadOfCompletingIt() {
        var job = StepMachine.job();
        machine.provider.onSubmit(ProviderAnswer.pending("p-empty", 0, "", null))
                .onPoll(ProviderAnswer.done("p-empty", List.of(), null));
        machine.accept(job);

        machine.step();
        machine.step();

        assertThat(machine.row(job.jobId())).containsEntry("state", "FAILED").containsEntry("error_code", JobError.PROVIDER_FAILED);
        assertThat(machine.outbox.results()).isEmpty();
        assertThat(machine.outbox.last(job.jobId()).error().message()).contains("finished without an image");
    }

    @Test
    void anAcceptedJobWithoutAProviderIdIsNeitherPolledNorSentTwice() {
        var job = StepMachine.job();
        machine.provider.onSubmit(ProviderAnswer.pending("", 0, "", null));
        machine.accept(job);

        machine.step();

        // the provider may hold a job DESAYRE cannot name: resending could bill twice (resubmit-unknown-outcome off)
        assertThat(machine.row(job.jobId())).containsEntry("state", "FAILED").containsEntry("error_code", JobError.SUBMISSION_UNKNOWN)
                .containsEntry("failure", "MALFORMED");
        assertThat(machine.provider.polled).isEmpty();
        assertThat(machine.outbox.on(Topics.dlq(Topics.IMAGE_REQUESTED))).singleElement()
                .satisfies(dead -> assertThat(dead.key()).isEqualTo(job.jobId()));
    }

    @Test
    void theProvidersQueueIsNeverOverfilledTheNextJobWaitsForAFreePlace() {
        var first = StepMachine.job();
        var second = StepMachine.job();
        var third = StepMachine.job();
        machine.provider.onSubmit(ProviderAnswer.pending("p-a", 0, "", null))
                .onSubmit(ProviderAnswer.pending("p-b", 0, "", null))
                .onPoll(ProviderAnswer.done("p-a", List.of("https://provider.test/a.png"), null))
                .onPoll(ProviderAnswer.pending("p-b", 0, "", null))
                .onPoll(ProviderAnswer.pending("p-b", 0, "", null))
                .onSubmit(ProviderAnswer.pending("p-c", 0, "", null));
        machine.accept(first);
        machine.accept(second);
        machine.accept(third);

        machine.step();
        // two places, two jobs at the provider: the third is not even claimed, and spends no attempt
        assertThat(machine.provider.submitted).containsExactlyInAnyOrder(first.jobId(), second.jobId());
        assertThat(machine.row(third.jobId())).containsEntry("state", "QUEUED").containsEntry("attempts", 0);
        assertThat(machine.placesFree()).isZero();

        machine.step(); // the job the provider knows as p-a finishes and frees its place

        var finished = "p-a".equals(machine.row(first.jobId()).get("provider_id")) ? first : second;
        assertThat(machine.state(finished.jobId())).isEqualTo("DONE");
        machine.step();
        assertThat(machine.provider.submitted).hasSize(3).endsWith(third.jobId());
        assertThat(machine.state(third.jobId())).isEqualTo("POLLING");
    }
}
