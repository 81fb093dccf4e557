package com.desayre.gateway;

import com.desayre.contracts.StatusChanged;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The one in-memory fan-out of {@code generation.status} in this gateway instance: every SSE
 * connection filters this shared stream; none of them polls Redis or opens its own consumer.
 */
@Component
class StatusBus {
    private final Sinks.Many<StatusChanged> sink = Sinks.many().multicast().directBestEffort();

    synchronized void publish(StatusChanged event) {
        // best effort per subscriber: a slow SSE client drops events rather than stalling the consumer
        sink.tryEmitNext(event);
    }

    Flux<StatusChanged> events() {
        return sink.asFlux();
    }
}
