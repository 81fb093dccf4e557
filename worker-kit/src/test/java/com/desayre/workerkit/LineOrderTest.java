package com.desayre.workerkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.platform.JobTrace;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
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

    /** The line tells many jobs their place at once: each notice carries its own job's trace, none the one before. */
    @Test
    void eachWaitingJobIsToldItsPlaceInItsOwnTrace() {
        var first = StepMachine.job(Priority.BATCH);
        var second = StepMachine.job(Priority.BATCH);
        var traces = Map.of(first.jobId(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                second.jobId(), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        for (var job : java.util.List.of(first, second)) {
            try (var trace = JobTrace.resume(traces.get(job.jobId()), "image-worker")) {
                machine.accept(job); // as the intake does, in the trace of the record that brought the job
            }
        }
        // in line for long enough to be told (the line's grace is two ticks)
        machine.db.sql("update " + StepMachine.TABLE + " set line_at = line_at - interval '1 minute'")
                .fetch().rowsUpdated().block(Duration.ofSeconds(10));
        var known = new LaneSwitches("image-worker", Map.of()) {
            @Override
            boolean known() {
                return true;
            }
        };

        new WaitingLine(machine.store, machine.notices, machine.metrics, known, Duration.ofSeconds(5), Duration.ofMillis(50)).look();

        var told = machine.outbox.on(Topics.STATUS).stream()
                .filter(sent -> ((StatusChanged) sent.event()).status() == JobStatus.WAITING).toList();
        assertThat(told).hasSize(2).allSatisfy(sent -> assertThat(sent.traceparent()).isEqualTo(traces.get(sent.key())));
        assertThat(JobTrace.traceparent()).as("nothing left current on the line's thread").isNull();
    }
}
