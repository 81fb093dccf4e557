package com.desayre.gateway.messaging;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The gateway's one fan-out of statuses, step by step: live events, what a reconnecting client missed, no duplicates. */
class StatusBusTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final StatusBus bus = new StatusBus();

    private static StatusChanged status(String jobId, JobStatus status) {
        return StatusChanged.of(jobId, "ann", JobKind.IMAGE, status, "test", status.name());
    }

    @Test
    void everySubscriberGetsWhatIsPublishedAfterItSubscribed() {
        var before = status("j1", JobStatus.QUEUED);
        var after = status("j1", JobStatus.ENCODED);
        bus.publish(before);
        StepVerifier.create(bus.events().take(1))
                .then(() -> bus.publish(after))
                .expectNext(after)
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void withoutALastEventIdNothingIsMadeUp() {
        bus.publish(status("j1", JobStatus.QUEUED));
        var live = status("j1", JobStatus.ENCODED);
        StepVerifier.create(bus.resume(null, Flux.error(new AssertionError("not asked for"))).take(1))
                .then(() -> bus.publish(live))
                .expectNext(live)
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void aRememberedLastEventIdReplaysWhatCameAfterItThenLiveEvents() {
        var seen = status("j1", JobStatus.QUEUED);
        var missed1 = status("j1", JobStatus.ENCODED);
        var missed2 = status("j1", JobStatus.SUBMITTED);
        var live = status("j1", JobStatus.COMPLETED);
        bus.publish(seen);
        bus.publish(missed1);
        bus.publish(missed2);
        StepVerifier.create(bus.resume(seen.eventId(), Flux.error(new AssertionError("not asked for"))).take(3))
                .expectNext(missed1, missed2)
                .then(() -> bus.publish(live))
                .expectNext(live)
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void anEventIdThisInstanceDoesNotRememberGetsWhereTheJobsStandNow() {
        var now = status("j1", JobStatus.PROCESSING);
        var live = status("j1", JobStatus.COMPLETED);
        StepVerifier.create(bus.resume("another-instances-event", Flux.just(now)).take(2))
                .expectNext(now)
                .then(() -> bus.publish(live))
                .expectNext(live)
                .expectComplete()
                .verify(WAIT);
    }

    /** Listening starts before the replay is read: an event published in between comes once, never twice. */
    @Test
    void anEventIsNeverSentTwiceAcrossTheReplayAndTheLiveStream() {
        var seen = status("j1", JobStatus.QUEUED);
        var missed = status("j1", JobStatus.ENCODED);
        var live = status("j1", JobStatus.COMPLETED);
        bus.publish(seen);
        bus.publish(missed);
        StepVerifier.create(bus.resume(seen.eventId(), Flux.empty()))
                .expectNext(missed)
                .then(() -> bus.publish(live))
                .expectNext(live)
                .thenCancel()
                .verify(WAIT);
    }
}
