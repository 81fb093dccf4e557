package com.desayre.gateway.queues;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.StatusChanged;
import com.desayre.gateway.messaging.StatusBus;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/** Retry-After from the pace jobs left a line (SUBMITTED statuses), on a clock the test turns by hand. */
class QueueAdmissionTest {
    private final AtomicLong clock = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    private final StatusBus bus = new StatusBus();
    private final QueueSettings settings = new QueueSettings(null, null, null, null, null, 10);
    private final QueueAdmission admission = new QueueAdmission(new WorkerBoard(new KafkaProperties(), settings), bus, settings,
            clock::get);

    @AfterEach
    void stop() {
        admission.destroy();
    }

    private void submitted(JobKind kind, int jobs, long everyMillis) {
        for (int i = 0; i < jobs; i++) {
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(everyMillis));
            bus.publish(StatusChanged.of(UUID.randomUUID().toString(), "ann", kind, JobStatus.SUBMITTED, "worker", "Sent."));
        }
    }

    @Test
    void retryAfterIsWhenTheJobsOverTheBoundHaveLeftAtTheRecentPace() {
        // 60 images left in the last minute: one a second
        submitted(JobKind.IMAGE, 60, 1000);
        assertThat(admission.retryAfterSeconds("image-worker", 15)).isEqualTo(15);
        // another line's pace is its own: no video has moved
        assertThat(admission.retryAfterSeconds("video-worker", 15)).isEqualTo(QueueAdmission.STILL_LINE_RETRY_AFTER);
        // never less than a second, never more than an hour
        assertThat(admission.retryAfterSeconds("image-worker", 0)).isEqualTo(1);
        assertThat(admission.retryAfterSeconds("image-worker", 1_000_000)).isEqualTo(QueueAdmission.MAX_RETRY_AFTER);
    }

    @Test
    void aLineThatStoppedMovingSaysLookAgainInAMinute() {
        submitted(JobKind.EDIT, 10, 100);
        clock.addAndGet(QueueAdmission.SPEED_WINDOW.toNanos() + 1);
        assertThat(admission.retryAfterSeconds("image-worker", 5)).isEqualTo(QueueAdmission.STILL_LINE_RETRY_AFTER);
    }

    @Test
    void aFreshGatewayMeasuresThePaceSinceItStartedListeningNotOverTheWholeWindow() {
        // 10 s after start, 20 jobs have left: 2 a second, not 20 per 2 minutes
        clock.addAndGet(TimeUnit.SECONDS.toNanos(9));
        submitted(JobKind.IMAGE, 20, 50);
        assertThat(admission.retryAfterSeconds("image-worker", 20)).isEqualTo(10);
    }

    @Test
    void withNoLiveWorkerNothingIsKnownOfTheLineAndRequestsAreAdmitted() {
        var spec = new JobSpec("ann", JobKind.IMAGE, "a kite", "1:1", 1024, 1024, null, null, true, Priority.BATCH, null);
        admission.admit(List.of(spec, spec, spec, spec, spec, spec, spec, spec, spec, spec, spec, spec));
    }
}
