package com.desayre.gateway.messaging;

import com.desayre.contracts.StatusChanged;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * The one in-memory fan-out of {@code generation.status} in this gateway instance: every SSE
 * connection takes its share of it; none of them polls Redis or opens its own consumer.
 * It keeps the last {@value #REMEMBERED} events, so a client that reconnects with
 * {@code Last-Event-ID} gets what it missed.
 *
 * <p>A client's share ({@link #live}, {@link #resume}) is filtered before it is buffered, and its buffer
 * holds at most {@value #BUFFERED_PER_SUBSCRIBER} events: a client that falls that far behind is
 * dropped (its stream ends with {@link SlowSubscriber}) instead of growing the heap, and resumes
 * with {@code Last-Event-ID}. Publishing never waits for a client.
 */
@Component
public class StatusBus {
    static final int REMEMBERED = 10_000;
    /** Events one client's stream may have waiting for it before it is dropped. */
    public static final int BUFFERED_PER_SUBSCRIBER = 256;

    // for in-process listeners (limits, queue admission) that request without bound and never fall behind
    private final Sinks.Many<StatusChanged> sink = Sinks.many().multicast().directBestEffort();
    private final ArrayDeque<StatusChanged> recent = new ArrayDeque<>();
    // copied on write: a client dropped while it is offered an event leaves during the loop that offers it
    private final Set<ClientShare> clients = new CopyOnWriteArraySet<>();

    public synchronized void publish(StatusChanged event) {
        recent.addLast(event);
        if (recent.size() > REMEMBERED) {
            recent.removeFirst();
        }
        sink.tryEmitNext(event);
        for (var client : clients) {
            client.offer(event);
        }
    }

    /**
     * Every event, live, for in-process listeners that keep up (they request without bound). Not for
     * a client connection: that takes {@link #live} or {@link #resume}, which are bounded.
     */
    public Flux<StatusChanged> events() {
        return sink.asFlux();
    }

    /** The events that pass {@code wanted}, from now on, bounded per client (see the class comment). */
    public Flux<StatusChanged> live(Predicate<StatusChanged> wanted) {
        return resume(null, wanted, Flux.empty());
    }

    /**
     * What was missed since {@code lastEventId} among the events that pass {@code wanted}, then live
     * ones: listening starts under the same lock as the replay is read, so nothing falls between and
     * nothing comes twice. When this instance does not remember that event (another instance's, or
     * from before a restart), {@code otherwise} is sent instead of the missed events: where the
     * client's jobs stand now, read from the stores. Without a {@code lastEventId} there is nothing to
     * make up. Ends with {@link SlowSubscriber} when the client falls behind.
     */
    public Flux<StatusChanged> resume(String lastEventId, Predicate<StatusChanged> wanted, Flux<StatusChanged> otherwise) {
        return Flux.defer(() -> {
            var client = new ClientShare(wanted);
            List<StatusChanged> missed;
            synchronized (this) {
                clients.add(client);
                missed = lastEventId == null ? List.of() : since(lastEventId, wanted);
            }
            var first = missed != null ? Flux.fromIterable(missed) : otherwise;
            return first.concatWith(client.stream()).doFinally(signal -> clients.remove(client));
        });
    }

    /**
     * The remembered events up to and including the one with this id that pass {@code wanted}: what a
     * client reconnecting with it has already been sent (or passed over). Empty when not remembered.
     */
    public synchronized List<StatusChanged> upTo(String eventId, Predicate<StatusChanged> wanted) {
        var before = new ArrayList<StatusChanged>();
        if (eventId == null) {
            return before;
        }
        for (var event : recent) {
            if (wanted.test(event)) {
                before.add(event);
            }
            if (event.eventId().equals(eventId)) {
                return before;
            }
        }
        return List.of();
    }

    /** Events waiting in client streams' buffers, over all of them (bounded by clients x {@value #BUFFERED_PER_SUBSCRIBER}). */
    public int buffered() {
        return clients.stream().mapToInt(client -> client.queue.size()).sum();
    }

    /** Client streams listening now. */
    public int clients() {
        return clients.size();
    }

    /** The remembered events after the one with this id that pass {@code wanted}; null when it is not remembered. */
    private List<StatusChanged> since(String eventId, Predicate<StatusChanged> wanted) {
        var after = new ArrayList<StatusChanged>();
        var found = false;
        for (var event : recent) {
            if (found) {
                if (wanted.test(event)) {
                    after.add(event);
                }
            } else if (event.eventId().equals(eventId)) {
                found = true;
            }
        }
        return found ? after : null;
    }

    /** One client stream's filter and bounded buffer; offered to under the bus's lock (one producer at a time). */
    private static final class ClientShare {
        private final Predicate<StatusChanged> wanted;
        private final Queue<StatusChanged> queue = Queues.<StatusChanged>get(BUFFERED_PER_SUBSCRIBER).get();
        private final Sinks.Many<StatusChanged> buffer = Sinks.many().unicast().onBackpressureBuffer(queue);
        private final Sinks.One<Boolean> dropped = Sinks.one();
        private volatile boolean behind;

        ClientShare(Predicate<StatusChanged> wanted) {
            this.wanted = wanted;
        }

        void offer(StatusChanged event) {
            if (behind || !wanted.test(event)) {
                return;
            }
            if (buffer.tryEmitNext(event).isFailure()) {
                // the buffer is full: end the stream now (dropping what waits) rather than after the client read it
                behind = true;
                dropped.tryEmitValue(true);
            }
        }

        Flux<StatusChanged> stream() {
            return buffer.asFlux().takeUntilOther(dropped.asMono())
                    .concatWith(Flux.defer(() -> behind ? Flux.error(new SlowSubscriber()) : Flux.empty()));
        }
    }

    /** A client stream fell {@value #BUFFERED_PER_SUBSCRIBER} events behind and was dropped; it resumes with Last-Event-ID. */
    public static final class SlowSubscriber extends RuntimeException {
        SlowSubscriber() {
            super("dropped: " + BUFFERED_PER_SUBSCRIBER + " events waited for this client", null, false, false);
        }
    }
}
