package com.desayre.gateway.jobs;

import com.desayre.contracts.ControlRequested;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.accounts.SignedOutStreams;
import com.desayre.gateway.costs.CostLedgerReader;
import com.desayre.gateway.history.MediaUrls;
import com.desayre.gateway.limits.GenerationLimits;
import com.desayre.gateway.messaging.JobPublisher;
import com.desayre.gateway.messaging.StatusBus;
import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.ProblemTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A job's status, and its live stream of status events. */
@RestController
@RequestMapping("/api/jobs")
class JobsController {
    static final String JOB_FINISHED = "job-finished";

    private final StatusCache cache;
    private final JobStatuses statuses;
    private final GenerationLimits limits;
    private final StatusBus bus;
    private final MediaUrls urls;
    private final JobPublisher publisher;
    private final SignedOutStreams signedOut;
    private final Duration keepAlive;
    private final Counter dropped;
    private final CostLedgerReader costs;

    JobsController(StatusCache cache, JobStatuses statuses, GenerationLimits limits, StatusBus bus, MediaUrls urls,
                   JobPublisher publisher, SignedOutStreams signedOut, GatewaySettings settings, MeterRegistry meters,
                   CostLedgerReader costs) {
        this.dropped = meters.counter(EventsController.DROPPED, "stream", "job");
        this.costs = costs;
        this.signedOut = signedOut;
        this.keepAlive = settings.keepAlive();
        this.cache = cache;
        this.statuses = statuses;
        this.limits = limits;
        this.bus = bus;
        this.urls = urls;
        this.publisher = publisher;
    }

    /**
     * Cancels a job that has not finished (in the status cache nor in the job history: a job either
     * store shows ended is a 409). The CANCELLED status is published at once (the user's
     * decision is final: stale statuses after it are ignored, and storage discards a late result);
     * the control message tells the worker holding the job to stop spending on it.
     */
    @Operation(operationId = "cancelJob", summary = "Cancel a job that has not finished",
            description = "It ends CANCELLED at once; its worker stops and a late result is discarded.")
    @ApiResponse(responseCode = "202", description = "The job, now CANCELLED")
    @ProblemTypes({"not-found", "job-finished"})
    @PostMapping("/{jobId}/cancel")
    Mono<ResponseEntity<JobView>> cancel(@PathVariable String jobId, CurrentUser user) {
        return visible(jobId, user).flatMap(current -> {
            if (current.status().isTerminal()) {
                return Mono.error(new ApiProblem(HttpStatus.CONFLICT, JOB_FINISHED, "Job already finished",
                        "This job already ended as " + current.status() + "; there is nothing to cancel.", Map.of()));
            }
            var cancelled = StatusChanged.of(jobId, current.ownerId(), current.kind(), JobStatus.CANCELLED, "gateway",
                    StatusChanged.CANCELLED_ON_REQUEST);
            return publisher.publish(Topics.CONTROL, jobId, ControlRequested.of(jobId, ControlRequested.Action.CANCEL,
                            current.ownerId(), user.id()))
                    .then(publisher.publish(Topics.STATUS, jobId, cancelled))
                    .then(cache.offer(cancelled))
                    .then(limits.release(cancelled))
                    .thenReturn(ResponseEntity.accepted().body(JobView.of(cancelled, urls)));
        });
    }

    @Operation(operationId = "getJob", summary = "A job's status, its place in line while it waits, and its media when done")
    @ProblemTypes({"not-found"})
    @GetMapping("/{jobId}")
    Mono<JobView> job(@PathVariable String jobId, CurrentUser user) {
        var traceId = statuses.traceId(jobId).defaultIfEmpty("");
        return visible(jobId, user).flatMap(status -> Mono.zip(costs.ofJob(jobId), traceId)
                .map(found -> JobView.of(status, urls).withCost(found.getT1()).withTraceId(found.getT2().isEmpty() ? null : found.getT2())));
    }

    /**
     * The current status first (the more advanced of the cache and the job history, so a stream
     * opened after a restart starts where the job really is), then each transition, then the stream
     * completes after a terminal status. A client that connects after the job finished gets the
     * final event and the end of the stream; one that reconnects with a terminal event's id as
     * {@code Last-Event-ID} (what EventSource does once a stream ends; {@link JobStatuses#isEnding}) gets 204, which tells
     * EventSource to stop. Every keep-alive also looks at the stores again, so a status this
     * instance's live feed dropped (a slow client) or never saw cannot leave the stream waiting for
     * ever. It also ends when its credential is revoked ({@link SignedOutStreams}).
     */
    @Operation(operationId = "streamJobEvents", summary = "A job's status, live (server-sent events)",
            description = "The current status first, then each change; the stream ends after a terminal status (at once for a job "
                    + "that already ended). Reconnecting with `Last-Event-ID` set to the terminal event's id answers 204, "
                    + "so an EventSource stops.")
    @ApiResponse(responseCode = "200", description = "The job's statuses as they change",
            content = @Content(mediaType = "text/event-stream",
            schema = @Schema(type = "string", description = "Server-sent events: `event: status` with `id` and, as `data`, the "
                    + "job as GET /api/jobs/{jobId} answers it (JobView); comments keep the stream open; `event: signed-out` "
                    + "(`{\"reason\", \"detail\"}`) last when the credential it was opened with is signed out or revoked")))
    @ApiResponse(responseCode = "204", description = "The job ended and the client already has its terminal event: nothing more will come")
    @ProblemTypes({"not-found"})
    @GetMapping(path = "/{jobId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Mono<ResponseEntity<Flux<ServerSentEvent<?>>>> events(@PathVariable String jobId, CurrentUser user,
            Authentication authentication, @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId) {
        return visible(jobId, user).flatMap(first -> statuses.isEnding(first, lastEventId).map(hasTheEnding -> hasTheEnding
                ? ResponseEntity.noContent().<Flux<ServerSentEvent<?>>>build()
                : ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                        .body(signedOut.endWhenRevoked(stream(jobId, first), authentication))));
    }

    private Flux<ServerSentEvent<JobView>> stream(String jobId, StatusChanged first) {
        // listen before reading the stores, so nothing published in between is missed
        var live = bus.live(e -> e.jobId().equals(jobId));
        // a recheck only matters when it finds the job in another status than the stream last sent
        var sent = new AtomicReference<JobStatus>();
        var rechecks = Flux.interval(keepAlive)
                .concatMap(tick -> statuses.current(jobId).onErrorResume(e -> Mono.empty()), 0)
                .filter(status -> status.status() != sent.get());
        var statusesInOrder = statuses.current(jobId).defaultIfEmpty(first).flux()
                .concatWith(live.mergeWith(rechecks))
                .transform(JobsController::legalMovesOnly)
                .doOnNext(status -> sent.set(status.status()));
        var events = statusesInOrder.map(status -> ServerSentEvent.builder(JobView.of(status, urls))
                .id(status.eventId()).event("status").build());
        // comments keep proxies from closing a quiet stream
        var heartbeats = Flux.interval(keepAlive).map(tick -> ServerSentEvent.<JobView>builder().comment("keep-alive").build());
        return events.mergeWith(heartbeats)
                .takeUntil(event -> event.data() != null && JobStatus.valueOf(event.data().status()).isTerminal())
                // fallen behind (a client that stopped reading): the stream ends, and the client reconnects
                .onErrorResume(StatusBus.SlowSubscriber.class, behind -> {
                    dropped.increment();
                    return Flux.empty();
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

    /** The job's latest status if the caller may see it and it is not deleted; 404 either way otherwise, so ids can't be probed. */
    private Mono<StatusChanged> visible(String jobId, CurrentUser user) {
        return statuses.current(jobId)
                .filter(status -> user.maySee(status.ownerId()))
                // a deleted job is gone from the API too, though the status cache still remembers it
                .filterWhen(status -> statuses.deleted(jobId).map(deleted -> !deleted))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("There is no job " + jobId + " that you can see.")));
    }
}
