package com.desayre.contracts;

import static com.desayre.contracts.JobStatus.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JobStatusTest {

    @Test
    void theHappyPathIsLegalStepByStep() {
        var path = new JobStatus[] {QUEUED, ENCODED, SUBMITTED, PROCESSING, PROCESSING, STORING, COMPLETED};
        for (int i = 1; i < path.length; i++) {
            assertThat(path[i - 1].canMoveTo(path[i])).as("%s -> %s", path[i - 1], path[i]).isTrue();
        }
    }

    @Test
    void aSynchronousProviderAnswerSkipsProcessing() {
        assertThat(SUBMITTED.canMoveTo(STORING)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = JobStatus.class, names = {"COMPLETED", "FAILED", "CANCELLED"})
    void terminalIsFinal(JobStatus terminal) {
        assertThat(terminal.isTerminal()).isTrue();
        for (var next : values()) {
            assertThat(terminal.canMoveTo(next)).as("%s -> %s", terminal, next).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(value = JobStatus.class, names = {"COMPLETED", "FAILED", "CANCELLED"}, mode = EnumSource.Mode.EXCLUDE)
    void everyNonTerminalStatusCanFailOrBeCancelled(JobStatus status) {
        assertThat(status.isTerminal()).isFalse();
        assertThat(status.canMoveTo(FAILED)).isTrue();
        assertThat(status.canMoveTo(CANCELLED)).isTrue();
    }

    @Test
    void aStatusNeverMovesBackwards() {
        assertThat(ENCODED.canMoveTo(QUEUED)).isFalse();
        assertThat(PROCESSING.canMoveTo(SUBMITTED)).isFalse();
        assertThat(STORING.canMoveTo(PROCESSING)).isFalse();
        assertThat(STORING.canMoveTo(ENCODED)).isFalse();
    }

    @Test
    void retryingIsInformationalAndReturnsToWork() {
        assertThat(PROCESSING.canMoveTo(RETRYING)).isTrue();
        assertThat(RETRYING.canMoveTo(RETRYING)).isTrue();
        assertThat(RETRYING.canMoveTo(SUBMITTED)).isTrue();
        assertThat(RETRYING.canMoveTo(PROCESSING)).isTrue();
        assertThat(STORING.canMoveTo(RETRYING)).isFalse();
    }

    @Test
    void forwardMovesMaySkipStepsBecauseStagesPublishIndependently() {
        // a worker's SUBMITTED can reach a projection before the encoder's ENCODED
        assertThat(QUEUED.canMoveTo(SUBMITTED)).isTrue();
        assertThat(SUBMITTED.canMoveTo(ENCODED)).as("the late ENCODED is stale").isFalse();
        assertThat(ENCODED.canMoveTo(COMPLETED)).isTrue();
    }

    @Test
    void projectionsApplyTheFirstSightingAndThenOnlyLegalMoves() {
        assertThat(JobStatus.shouldApply(null, ENCODED)).isTrue();
        assertThat(JobStatus.shouldApply(ENCODED, QUEUED)).as("a late QUEUED is stale").isFalse();
        assertThat(JobStatus.shouldApply(COMPLETED, STORING)).as("a redelivered STORING").isFalse();
        assertThat(JobStatus.shouldApply(STORING, COMPLETED)).isTrue();
    }

    @Test
    void legalPredecessorsMirrorCanMoveTo() {
        assertThat(COMPLETED.legalPredecessors()).isEqualTo(EnumSet.complementOf(EnumSet.of(COMPLETED, FAILED, CANCELLED)));
        assertThat(ENCODED.legalPredecessors()).containsExactly(QUEUED);
        assertThat(QUEUED.legalPredecessors()).isEmpty();
        assertThat(FAILED.legalPredecessors())
                .isEqualTo(EnumSet.complementOf(EnumSet.of(COMPLETED, FAILED, CANCELLED)));
    }
}
