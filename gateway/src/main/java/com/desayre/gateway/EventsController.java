package com.desayre.gateway;

import com.desayre.contracts.StatusChanged;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * Every status of the caller's jobs (everyone's for an admin), live, for the studio. Each event
 * carries its id; a client reconnecting with {@code Last-Event-ID} first gets what it missed
 * from the gateway's recent-events buffer, then the live stream, without duplicates.
 */
@RestController
class EventsController {
    private final StatusBus bus;
    private final MediaUrls urls;

    EventsController(StatusBus bus, MediaUrls urls) {
        this.bus = bus;
        this.urls = urls;
    }

    @GetMapping(path = "/api/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<JobView>> events(CurrentUser user,
                                          @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId) {
        var events = bus.resume(lastEventId)
                .filter((StatusChanged status) -> user.maySee(status.ownerId()))
                .map(status -> ServerSentEvent.builder(JobView.of(status, urls)).id(status.eventId()).event("status").build());
        var heartbeats = Flux.interval(JobsController.HEARTBEAT)
                .map(tick -> ServerSentEvent.<JobView>builder().comment("keep-alive").build());
        // a first comment commits the response at once, so a client knows the stream is listening
        var connected = Flux.just(ServerSentEvent.<JobView>builder().comment("connected").build());
        return Flux.merge(connected, events, heartbeats);
    }
}
