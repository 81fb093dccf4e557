package com.desayre.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A poll's statuses worked out in memory keep the rules of one status at a time, in the poll's order. */
class StatusPollTest {
    private static StatusChanged status(String jobId, JobStatus status) {
        return StatusChanged.of(jobId, SinkHarness.spec(), status, "test", status.name());
    }

    private static List<StatusPoll.Projected> poll(StatusChanged... events) {
        return java.util.Arrays.stream(events).map(e -> new StatusPoll.Projected(e, null)).toList();
    }

    @Test
    void aJobMovesOnlyForwardFromWhereThePollsEarlierStatusesLeftIt() {
        var processing = status("a", JobStatus.PROCESSING);
        var plan = StatusPoll.plan(poll(status("a", JobStatus.ENCODED), processing, status("a", JobStatus.ENCODED),
                processing, status("a", JobStatus.COMPLETED), status("a", JobStatus.CANCELLED)), Map.of());

        assertThat(plan.applied).extracting(StatusPoll.Applied::moved).containsExactly(true, true, false, true, true, false);
        var row = plan.rows.get("a");
        assertThat(row.inserted).isTrue();
        assertThat(row.status).isEqualTo(JobStatus.COMPLETED);
        assertThat(row.completedAt).isNotNull();
        // the stale ENCODED is in the timeline (not an ending), the repeated event once, the refused CANCELLED not at all
        assertThat(plan.timeline).extracting(StatusChanged::status)
                .containsExactly(JobStatus.ENCODED, JobStatus.PROCESSING, JobStatus.ENCODED, JobStatus.COMPLETED);
        assertThat(plan.applied).allSatisfy(applied -> assertThat(applied.standing().status()).isEqualTo(JobStatus.COMPLETED));
    }

    @Test
    void aJobThatEndedBeforeThePollNeverMovesAndOnlyItsFirstWaitingGoesIntoTheTimeline() {
        var before = Map.of("ended", new JobProjection.Standing(JobStatus.CANCELLED, true),
                "waiting", new JobProjection.Standing(JobStatus.ENCODED, false));
        var plan = StatusPoll.plan(poll(status("ended", JobStatus.COMPLETED), status("waiting", JobStatus.WAITING),
                status("waiting", JobStatus.WAITING)), before);

        assertThat(plan.applied).extracting(StatusPoll.Applied::moved).containsExactly(false, true, true);
        assertThat(plan.applied.get(0).standing()).isEqualTo(new JobProjection.Standing(JobStatus.CANCELLED, true));
        assertThat(plan.rows).containsOnlyKeys("waiting");
        assertThat(plan.rows.get("waiting").inserted).isFalse();
        assertThat(plan.timeline).extracting(StatusChanged::status).containsExactly(JobStatus.WAITING);
    }
}
