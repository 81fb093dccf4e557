package com.desayre.gateway;

import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import java.time.Duration;
import java.util.HashSet;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** A job's status, and its live stream of status events. */
@RestController
@RequestMapping("/api/jobs")
class JobsController {
    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final StatusCache cache;
    private final StatusBus bus;
    private final MediaUrls urls;
    private final HistoryRepository history;

    JobsController(StatusCache cache, StatusBus bus, MediaUrls urls, HistoryRepository history) {
        this.cache = cache;
        this.bus = bus;
        this.urls = urls;
        this.history = history;
    }

    @GetMapping("/{jobId}")
    Mono<JobView> job(@PathVariable String jobId, CurrentUser user) {
        return visible(jobId, user).map(status -> JobView.of(status, urls));
    }

    /**
     * The current status first, then each transition, then the stream completes after a terminal
     * status. A client that connects after the job finished still gets the final event.
     */
    @GetMapping(path = "/{jobId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<JobView>> events(@PathVariable String jobId, CurrentUser user) {
        return visible(jobId, user).flatMapMany(first -> {
            // listen before reading the cache, so nothing published in between is missed
            var live = Sinks.many().unicast().<StatusChanged>onBackpressureBuffer();
            var subscription = bus.events().filter(e -> e.jobId().equals(jobId)).subscribe(live::tryEmitNext);
            var statuses = latest(jobId).defaultIfEmpty(first).flux()
                    .concatWith(live.asFlux())
                    .transform(JobsController::legalMovesOnly)
                    .doFinally(signal -> subscription.dispose());
            var events = statuses.map(status -> ServerSentEvent.builder(JobView.of(status, urls))
                    .id(status.eventId()).event("status").build());
            // comments keep proxies from closing a quiet stream
            var heartbeats = Flux.interval(HEARTBEAT).map(tick -> ServerSentEvent.<JobView>builder().comment("keep-alive").build());
            return events.mergeWith(heartbeats)
                    .takeUntil(event -> event.data() != null && JobStatus.valueOf(event.data().status()).isTerminal());
        });
    }

    /** Drops duplicates and stale events: only moves the state machine allows reach the client. */
    static Flux<StatusChanged> legalMovesOnly(Flux<StatusChanged> statuses) {
        return Flux.defer(() -> {
            var seen = new HashSet<String>();
            var last = new JobStatus[1];
            return statuses.filter(status -> {
                if (!seen.add(status.eventId()) || !JobStatus.shouldApply(last[0], status.status())) {
                    return false;
                }
                last[0] = status.status();
                return true;
            });
        });
    }

    /** Redis first (fast, and current to the last event); Postgres when the cache no longer has the job. */
    private Mono<StatusChanged> latest(String jobId) {
        return cache.latest(jobId).switchIfEmpty(Mono.defer(() -> history.latestStatus(jobId)));
    }

    /** The job's latest status if the caller may see it; 404 either way otherwise, so ids can't be probed. */
    private Mono<StatusChanged> visible(String jobId, CurrentUser user) {
        return latest(jobId)
                .filter(status -> user.maySee(status.ownerId()))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("There is no job " + jobId + " that you can see.")));
    }
}
