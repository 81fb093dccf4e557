package com.desayre.gateway.messaging;

import com.desayre.contracts.StatusChanged;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The one in-memory fan-out of {@code generation.status} in this gateway instance: every SSE
 * connection filters this shared stream; none of them polls Redis or opens its own consumer.
 * It keeps the last {@value #REMEMBERED} events, so a client that reconnects with
 * {@code Last-Event-ID} gets what it missed.
 */
@Component
public class StatusBus {
    static final int REMEMBERED = 10_000;

    private final Sinks.Many<StatusChanged> sink = Sinks.many().multicast().directBestEffort();
    private final ArrayDeque<StatusChanged> recent = new ArrayDeque<>();

    public synchronized void publish(StatusChanged event) {
        recent.addLast(event);
        if (recent.size() > REMEMBERED) {
            recent.removeFirst();
        }
        // best effort per subscriber: a slow SSE client drops events rather than stalling the consumer
        sink.tryEmitNext(event);
    }

    public Flux<StatusChanged> events() {
        return sink.asFlux();
    }

    /** The remembered events after the one with this id; null when it is null or not remembered. */
    synchronized List<StatusChanged> since(String eventId) {
        if (eventId == null) {
            return null;
        }
        var after = new ArrayList<StatusChanged>();
        var found = false;
        for (var event : recent) {
            if (found) {
                after.add(event);
            } else if (event.eventId().equals(eventId)) {
                found = true;
            }
        }
        return found ? after : null;
    }

    /**
     * What was missed since {@code lastEventId}, then live events: listening starts first, so nothing
     * falls between. When this instance does not remember that event (another instance's, or from
     * before a restart), {@code otherwise} is sent instead of the missed events: where the client's
     * jobs stand now, read from the stores. Without a {@code lastEventId} there is nothing to make up.
     */
    public Flux<StatusChanged> resume(String lastEventId, Flux<StatusChanged> otherwise) {
        return Flux.defer(() -> {
            var live = Sinks.many().unicast().<StatusChanged>onBackpressureBuffer();
            var subscription = events().subscribe(live::tryEmitNext);
            var missed = since(lastEventId);
            var replayed = new HashSet<String>();
            if (missed != null) {
                missed.forEach(event -> replayed.add(event.eventId()));
            }
            var first = missed != null ? Flux.fromIterable(missed) : lastEventId == null ? Flux.<StatusChanged>empty() : otherwise;
            return first
                    .concatWith(live.asFlux().filter(event -> !replayed.contains(event.eventId())))
                    .doFinally(signal -> subscription.dispose());
        });
    }
}
