package com.desayre.workerkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.Priority;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Kafka has no priority, so the worker's line keeps it: which waiting jobs the next free places at
 * the provider go to, and which lanes may send at all.
 */
class LineOrderTest {

    private final StepMachine machine = new StepMachine("kit_line", Duration.ofMinutes(5));

    private java.util.List<String> claimed(Set<Priority> lanes) {
        return machine.store.claimDue(8, machine.lease, machine.placesFree(), lanes).stream().map(JobRow::jobId).toList();
    }

    @Test
    void theFreePlacesGoToInteractiveJobsBeforeABatchThatCameFirst() {
        var batch = java.util.stream.Stream.generate(() -> StepMachine.job(Priority.BATCH)).limit(3).toList();
        batch.forEach(machine::accept);
        var person = StepMachine.job(Priority.INTERACTIVE);
        machine.accept(person);

        var sent = claimed(EnumSet.allOf(Priority.class));

        // two places: the person's job and the batch job first in its lane
        assertThat(sent).containsExactlyInAnyOrder(person.jobId(), batch.get(0).jobId());
    }

    @Test
    void aPausedLanesJobsStayInLineAndKeepTheirAttempts() {
        var batch = StepMachine.job(Priority.BATCH);
        var person = StepMachine.job(Priority.INTERACTIVE);
        machine.accept(batch);
        machine.accept(person);

        var sent = claimed(EnumSet.of(Priority.INTERACTIVE));

        assertThat(sent).containsExactly(person.jobId());
        assertThat(machine.row(batch.jobId())).containsEntry("state", "QUEUED").containsEntry("attempts", 0);
        // until the lane switches are known, nothing waiting is sent at all
        assertThat(claimed(Set.of())).isEmpty();
    }
}
