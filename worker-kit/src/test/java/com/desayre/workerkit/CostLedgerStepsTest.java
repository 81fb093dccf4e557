package com.desayre.workerkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.CostIncurred;
import com.desayre.contracts.Priority;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The worker's side of the cost ledger (docs/costs.md): an entry at each billable moment with an id derived from
 * the job and the provider's id, so a redelivered record, a retried poll or a worker dying mid-job sends at most
 * the same entry again; storage-sink keeps one row per entry id ({@code StorageBindingsIT} replays them).
 */
class CostLedgerStepsTest {

    @Test
    void aJobRedeliveredPolledAgainAndTakenOverAfterItsWorkerDiedIsChargedOnce() {
        var machine = new StepMachine("kit_ledger_once", Duration.ofMinutes(5), false, Duration.ofMillis(200));
        var job = StepMachine.job();
        machine.provider.onSubmit(ProviderAnswer.pending("p-1", 0, "", null))
                .onPoll("p-1", new CompletableFuture<>()) // the worker dies while this poll is under way
                .onPoll("p-1", new ProviderFailure(FailureClass.SERVER_ERROR, "503"))
                .onPoll(ProviderAnswer.done("p-1", List.of("https://provider.test/p-1.png"), null).withReportedCost(140_000));
        machine.accept(job);
        machine.accept(job); // redelivered
        machine.step();
        machine.accept(job); // redelivered while the provider holds it
        ProviderFailureStepsTest.makeDue(machine, job.jobId());
        var lost = machine.progress.advance(machine.store.claimDue(8, machine.lease, machine.placesFree(),
                EnumSet.allOf(Priority.class)).get(0));

        // its lease runs out: the next worker polls on (once failing, then done)
        var again = await().atMost(Duration.ofSeconds(10)).until(() -> machine.store.claimDue(8, machine.lease,
                machine.placesFree(), EnumSet.allOf(Priority.class)), rows -> !rows.isEmpty());
        machine.progress.advance(again.get(0)).join();
        ProviderFailureStepsTest.makeDue(machine, job.jobId());
        machine.step();

        assertThat(lost).isNotDone();
        assertThat(machine.state(job.jobId())).isEqualTo("DONE");
        var entries = machine.outbox.ledger(job.jobId());
        assertThat(entries).extracting(CostIncurred::entryId).containsOnly(CostIncurred.chargeId(job.jobId(), "p-1"));
        var projected = project(entries);
        assertThat(projected).singleElement().satisfies(charge -> {
            assertThat(charge.entry()).isEqualTo(CostIncurred.Entry.CHARGE);
            assertThat(charge.amountMicros()).isEqualTo(StepMachine.PRICE_MICROS);
            assertThat(charge.reportedMicros()).as("the provider's figure beside the price").isEqualTo(140_000L);
            assertThat(charge.possibleDuplicate()).isFalse();
            assertThat(charge.ownerId()).isEqualTo("alice");
        });
        assertThat(machine.provider.submitted).hasSize(1);
    }

    @Test
    void aChargeLostRightAfterTheProviderTookTheJobIsSentAgainWhenItEnds() {
        var machine = new StepMachine("kit_ledger_lost", Duration.ofMinutes(5));
        var job = StepMachine.job();
        machine.provider.onSubmit(ProviderAnswer.pending("p-1", 0, "", null))
                .onPoll(ProviderAnswer.done("p-1", List.of("https://provider.test/p-1.png"), null));
        machine.accept(job);
        machine.outbox.failNextOn = com.desayre.contracts.Topics.LEDGER;
        try {
            machine.step();
        } catch (java.util.concurrent.CompletionException lost) {
            // the step died after the provider's id was stored: the charge never left
        }
        assertThat(machine.outbox.ledger(job.jobId())).isEmpty();
        assertThat(machine.row(job.jobId())).containsEntry("state", "POLLING").containsEntry("provider_id", "p-1");

        machine.step();

        assertThat(machine.state(job.jobId())).isEqualTo("DONE");
        assertThat(project(machine.outbox.ledger(job.jobId()))).singleElement().satisfies(charge -> {
            assertThat(charge.entryId()).isEqualTo(CostIncurred.chargeId(job.jobId(), "p-1"));
            assertThat(charge.amountMicros()).isEqualTo(StepMachine.PRICE_MICROS);
        });
    }

    @Test
    void theProvidersOwnFailureBeforeWorkIsCreditedAndAModeratedJobIsNot() {
        var machine = new StepMachine("kit_ledger_credit", Duration.ofMinutes(5));
        var failed = StepMachine.job();
        var moderated = StepMachine.job();
        machine.provider.onSubmit(ProviderAnswer.pending("p-failed", 0, "", null))
                .onSubmit(ProviderAnswer.pending("p-moderated", 0, "", null))
                .onPoll("p-failed", new ProviderFailure(FailureClass.PROVIDER_FAILED, "failed", null, "render error", false))
                .onPoll("p-moderated", new ProviderFailure(FailureClass.CONTENT_POLICY, "moderated", null, "", false));
        machine.accept(failed);
        machine.step(); // submitted one after the other: submits are answered in order
        machine.accept(moderated);
        machine.step();
        ProviderFailureStepsTest.makeDue(machine, failed.jobId());
        ProviderFailureStepsTest.makeDue(machine, moderated.jobId());
        machine.step();

        assertThat(project(machine.outbox.ledger(failed.jobId()))).extracting(CostIncurred::entryId, CostIncurred::amountMicros)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(CostIncurred.chargeId(failed.jobId(), "p-failed"),
                                StepMachine.PRICE_MICROS),
                        org.assertj.core.groups.Tuple.tuple(CostIncurred.creditId(failed.jobId(), "p-failed"),
                                -StepMachine.PRICE_MICROS));
        assertThat(total(machine.outbox.ledger(failed.jobId()))).isZero();
        // xAI bills a moderated video: no credit
        assertThat(total(machine.outbox.ledger(moderated.jobId()))).isEqualTo(StepMachine.PRICE_MICROS);
    }

    @Test
    void aResubmitAfterAnUnknownOutcomeIsRecordedAsAPossibleSecondCharge() {
        var machine = new StepMachine("kit_ledger_unknown", Duration.ofMinutes(5), true, Duration.ofSeconds(30));
        var job = StepMachine.job();
        machine.provider.onSubmit(new ProviderFailure(FailureClass.TIMEOUT, "no answer in 30 s", null, "", true))
                .onSubmit(ProviderAnswer.pending("p-2", 0, "", null));
        machine.accept(job);
        machine.step();
        machine.step(); // resubmitted (no backoff in the machine)

        var entries = project(machine.outbox.ledger(job.jobId()));
        assertThat(entries).extracting(CostIncurred::entryId, CostIncurred::possibleDuplicate).containsExactly(
                org.assertj.core.groups.Tuple.tuple(CostIncurred.unknownId(job.jobId(), 1), true),
                org.assertj.core.groups.Tuple.tuple(CostIncurred.chargeId(job.jobId(), "p-2"), false));
        assertThat(entries.get(0).reason()).contains("possible second charge");
        assertThat(total(entries)).as("a possible duplicate is shown, not counted").isEqualTo(StepMachine.PRICE_MICROS);
    }

    /** What storage-sink keeps: the first record of each entry id, with the first reported figure any repeat brought. */
    static List<CostIncurred> project(List<CostIncurred> records) {
        var rows = new LinkedHashMap<String, CostIncurred>();
        for (var record : records) {
            rows.merge(record.entryId(), record, (kept, repeat) -> kept.reportedMicros() == null && repeat.reportedMicros() != null
                    ? kept.withReported(repeat.reportedMicros()) : kept);
        }
        return List.copyOf(rows.values());
    }

    private static long total(List<CostIncurred> records) {
        return project(records).stream().filter(e -> !e.possibleDuplicate()).mapToLong(CostIncurred::amountMicros).sum();
    }
}
