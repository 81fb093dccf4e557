package com.desayre.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** Which of the cache's and the history's sightings of a job is current, and the all-jobs stream's per-job filter. */
class JobStatusesTest {
    private static final Instant T = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void theSightingTheOtherMayMoveToIsCurrent() {
        var processing = at(JobStatus.PROCESSING, T);
        var completed = at(JobStatus.COMPLETED, T.minusSeconds(5));
        assertThat(JobStatuses.moreAdvanced(processing, completed)).isSameAs(completed);
        assertThat(JobStatuses.moreAdvanced(completed, processing)).isSameAs(completed);
        // no legal move either way (two endings): the cache's stays
        var failed = at(JobStatus.FAILED, T.plusSeconds(5));
        assertThat(JobStatuses.moreAdvanced(completed, failed)).isSameAs(completed);
    }

    @Test
    void theSameStatusKeepsTheCachesRicherEventAndAMissingSideGivesWay() {
        var cached = at(JobStatus.PROCESSING, T);
        var stored = at(JobStatus.PROCESSING, T.plusSeconds(1));
        assertThat(JobStatuses.moreAdvanced(cached, stored)).isSameAs(cached);
        assertThat(JobStatuses.moreAdvanced(null, stored)).isSameAs(stored);
        assertThat(JobStatuses.moreAdvanced(cached, null)).isSameAs(cached);
        assertThat(JobStatuses.moreAdvanced(null, null)).isNull();
    }

    @Test
    void whenEitherMayFollowTheOtherTheLaterWins() {
        var waiting = at(JobStatus.WAITING, T);
        var retrying = at(JobStatus.RETRYING, T.plusSeconds(3));
        assertThat(JobStatuses.moreAdvanced(waiting, retrying)).isSameAs(retrying);
        assertThat(JobStatuses.moreAdvanced(retrying, at(JobStatus.WAITING, T.minusSeconds(3)))).isSameAs(retrying);
    }

    @Test
    void theAllJobsStreamDropsRepeatsAndStaleMovesPerJob() {
        var a1 = at("a", JobStatus.COMPLETED, T);
        var aStale = at("a", JobStatus.PROCESSING, T.minusSeconds(10));
        var b1 = at("b", JobStatus.PROCESSING, T);
        var b2 = at("b", JobStatus.PROCESSING, T.plusSeconds(1));
        var passed = Flux.just(a1, b1, aStale, b1, a1, b2).transform(EventsController::legalMovesPerJob).collectList().block();
        assertThat(passed).containsExactly(a1, b1, b2);
    }

    private static StatusChanged at(JobStatus status, Instant when) {
        return at("job", status, when);
    }

    private static StatusChanged at(String jobId, JobStatus status, Instant when) {
        return new StatusChanged(StatusChanged.SCHEMA_VERSION, jobId + ":" + status + ":" + when, jobId, when, "owner", JobKind.IMAGE,
                status, "test", null, null, null, List.of(), null, null, null);
    }
}
