package com.desayre.gateway.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The gateway's one fan-out of statuses, step by step: live events, what a reconnecting client missed, no duplicates,
 * and a bounded buffer per client (filtered first; a client that stops reading is dropped and resumes).
 */
class StatusBusTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static final Predicate<StatusChanged> ALL = status -> true;

    private final StatusBus bus = new StatusBus();

    private static StatusChanged status(String jobId, JobStatus status) {
        return status(jobId, "ann", status);
    }

    private static StatusChanged status(String jobId, String owner, JobStatus status) {
        return StatusChanged.of(jobId, owner, JobKind.IMAGE, status, "test", status.name());
    }

    @Test
    void everySubscriberGetsWhatIsPublishedAfterItSubscribed() {
        var before = status("j1", JobStatus.QUEUED);
        var after = status("j1", JobStatus.ENCODED);
        bus.publish(before);
        StepVerifier.create(bus.live(ALL).take(1))
                .then(() -> bus.publish(after))
                .expectNext(after)
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void withoutALastEventIdNothingIsMadeUp() {
        bus.publish(status("j1", JobStatus.QUEUED));
        var live = status("j1", JobStatus.ENCODED);
        StepVerifier.create(bus.resume(null, ALL, Flux.error(new AssertionError("not asked for"))).take(1))
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
        StepVerifier.create(bus.resume(seen.eventId(), ALL, Flux.error(new AssertionError("not asked for"))).take(3))
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
        StepVerifier.create(bus.resume("another-instances-event", ALL, Flux.just(now)).take(2))
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
        StepVerifier.create(bus.resume(seen.eventId(), ALL, Flux.empty()))
                .expectNext(missed)
                .then(() -> bus.publish(live))
                .expectNext(live)
                .thenCancel()
                .verify(WAIT);
    }

    /**
     * A client that stops reading: what waits for it never exceeds its bound while far more is published, it is
     * dropped (its stream ends with SlowSubscriber and it stops listening), and it resumes from its last event.
     */
    @Test
    void aStalledClientIsDroppedAtItsBoundAndResumesWithItsLastEventId() {
        var first = status("j0", JobStatus.QUEUED);
        var published = new ArrayList<StatusChanged>();
        var mostBuffered = new AtomicInteger();
        StepVerifier.create(bus.live(ALL), 1)
                .then(() -> bus.publish(first))
                .expectNext(first)
                .then(() -> {
                    // the client reads nothing more; 4 x its bound is published
                    for (int i = 1; i <= 4 * StatusBus.BUFFERED_PER_SUBSCRIBER; i++) {
                        var event = status("j" + i, JobStatus.QUEUED);
                        published.add(event);
                        bus.publish(event);
                        mostBuffered.accumulateAndGet(bus.buffered(), Math::max);
                    }
                })
                .expectError(StatusBus.SlowSubscriber.class)
                .verify(WAIT);
        assertThat(mostBuffered.get()).isLessThanOrEqualTo(StatusBus.BUFFERED_PER_SUBSCRIBER);
        assertThat(bus.clients()).as("the dropped client no longer listens").isZero();
        assertThat(bus.buffered()).isZero();

        StepVerifier.create(bus.resume(first.eventId(), ALL, Flux.error(new AssertionError("remembered"))).take(published.size()))
                .expectNextSequence(published)
                .expectComplete()
                .verify(WAIT);
    }

    /** Only the client's own statuses are buffered for it: a crowd of others' passes a stalled client by, and it stays. */
    @Test
    void otherUsersStatusesAreNeverBufferedForAClient() {
        var mine = status("mine", "ann", JobStatus.QUEUED);
        StepVerifier.create(bus.live(status -> status.ownerId().equals("ann")), 0)
                .then(() -> {
                    for (int i = 0; i < 4 * StatusBus.BUFFERED_PER_SUBSCRIBER; i++) {
                        bus.publish(status("theirs-" + i, "bob", JobStatus.QUEUED));
                    }
                    assertThat(bus.buffered()).isZero();
                    bus.publish(mine);
                    assertThat(bus.buffered()).isOne();
                })
                .thenRequest(1)
                .expectNext(mine)
                .thenCancel()
                .verify(WAIT);
        assertThat(bus.clients()).isZero();
    }
}
