package com.desayre.workerkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.Priority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What claiming in batches (one statement for the jobs at the provider and those waiting to be sent) and recording a
 * poll in one statement could break: two instances claiming at once, the provider's free places, the line's order,
 * a redelivered poll.
 */
class BatchClaimTest {
    private static final Set<Priority> ALL = EnumSet.allOf(Priority.class);

    private final StepMachine machine = new StepMachine("kit_batch_claim", Duration.ofMinutes(5));

    private static List<EncodedJob> jobs(int n) {
        return Stream.generate(StepMachine::job).limit(n).toList();
    }

    private static List<String> ids(List<JobRow> rows) {
        return rows.stream().map(JobRow::jobId).toList();
    }

    /** As if the provider held the job and its next poll were due now, its lease run out. */
    private void atProviderAndDue(EncodedJob job) {
        machine.db.sql("update " + StepMachine.TABLE + " set state = 'POLLING', provider_id = 'p-' || job_id, next_at = now(),"
                + " lease_owner = null, lease_until = null where job_id = :id").bind("id", job.jobId()).fetch().rowsUpdated()
                .block(Duration.ofSeconds(10));
    }

    private void releaseAll() {
        machine.db.sql("update " + StepMachine.TABLE + " set lease_owner = null, lease_until = null").fetch().rowsUpdated()
                .block(Duration.ofSeconds(10));
    }

    @Test
    void twoInstancesClaimingAtOnceNeverTakeTheSameJobAndNoBatchExceedsTheFreePlaces() throws Exception {
        var jobs = jobs(120);
        machine.accept(jobs);
        var others = new JobStore(machine.db, StepMachine.TABLE, "other-" + UUID.randomUUID());
        var claimed = new CopyOnWriteArrayList<String>();
        var batches = new CopyOnWriteArrayList<Integer>();
        var start = new CyclicBarrier(2);
        var pool = Executors.newFixedThreadPool(2);
        try {
            var runs = new ArrayList<Future<?>>();
            for (var store : List.of(machine.store, others)) {
                runs.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    // bounded: 120 jobs at most 3 a claim take 40 claims between the two
                    for (int i = 0; i < 200; i++) {
                        var rows = store.claimDue(8, machine.lease, 3, ALL);
                        if (rows.isEmpty()) {
                            break;
                        }
                        batches.add(rows.size());
                        claimed.addAll(ids(rows));
                    }
                    return null;
                }));
            }
            for (var run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(claimed).as("every job claimed once, by one instance").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(jobs.stream().map(EncodedJob::jobId).toList());
        assertThat(batches).as("claims never take more waiting jobs than the free places").allMatch(n -> n <= 3);
        assertThat(new JobStore(machine.db, StepMachine.TABLE, "third").claimDue(8, machine.lease, 8, ALL))
                .as("nothing left that is not leased").isEmpty();
    }

    @Test
    void jobsAtTheProviderComeFirstAndWaitingOnesTakeOnlyWhatThePlacesAndTheLimitLeaveInLineOrder() {
        var polled = jobs(3);
        var waiting = jobs(6);
        machine.accept(waiting);
        machine.accept(polled);
        polled.forEach(this::atProviderAndDue);

        var limited = machine.store.claimDue(5, machine.lease, 10, ALL);
        assertThat(ids(limited).subList(0, 3)).containsExactlyInAnyOrderElementsOf(polled.stream().map(EncodedJob::jobId).toList());
        assertThat(ids(limited).subList(3, 5)).as("the limit leaves two: the first two in line, in order")
                .containsExactly(waiting.get(0).jobId(), waiting.get(1).jobId());

        releaseAll();
        var fewPlaces = machine.store.claimDue(10, machine.lease, 2, ALL);
        assertThat(fewPlaces).hasSize(5);
        assertThat(ids(fewPlaces).subList(3, 5)).as("two places: two waiting jobs").containsExactly(waiting.get(0).jobId(),
                waiting.get(1).jobId());

        releaseAll();
        assertThat(ids(machine.store.claimDue(10, machine.lease, 4, Set.of())))
                .as("no lane may send: only the jobs at the provider").containsExactlyInAnyOrderElementsOf(
                        polled.stream().map(EncodedJob::jobId).toList());
        releaseAll();
        assertThat(machine.store.claimDue(10, machine.lease, 0, ALL)).as("no free place").hasSize(3);
    }

    @Test
    void aPollIsRecordedInOneStatementInItsOrderAndThePollAgainAddsNothing() {
        var jobs = jobs(5);
        var poll = new ArrayList<>(jobs);
        poll.add(jobs.get(0)); // the same record twice in one poll

        machine.accept(poll);
        machine.accept(poll); // the poll delivered again (a crash before its commit)

        assertThat(machine.rows()).isEqualTo(5);
        assertThat(ids(machine.store.claimDue(10, machine.lease, 10, ALL))).as("the line keeps the poll's order")
                .containsExactlyElementsOf(jobs.stream().map(EncodedJob::jobId).toList());
        assertThat(machine.row(jobs.get(0).jobId())).containsEntry("state", "QUEUED").containsEntry("attempts", 0);
    }
}
