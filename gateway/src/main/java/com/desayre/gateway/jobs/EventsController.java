package com.desayre.gateway.jobs;

import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.accounts.SignedOutStreams;
import com.desayre.gateway.history.MediaUrls;
import com.desayre.gateway.messaging.StatusBus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * Every status of the caller's jobs (everyone's for an admin), live, for the studio. Each event
 * carries its id; a client reconnecting with {@code Last-Event-ID} first gets what it missed
 * from the gateway's recent-events buffer, then the live stream, without duplicates. When this
 * instance does not remember that id (another instance's event, or one from before a restart),
 * the stream starts instead with where the caller's own jobs stand now: each unfinished job, and
 * each that changed since that event, read from the stores ({@link JobStatuses#catchUp}). So a
 * studio that reconnects after a gateway restart hears how its jobs ended while it was away. A
 * first connection (no id) gets live events only, as before: it has nothing to make up, and ten
 * thousand of them must not each cost a Postgres query. Per job, events never go backwards, also across a
 * reconnect: the order check starts from what the client was sent before. Only the caller's statuses are
 * buffered for it, at most {@link StatusBus#BUFFERED_PER_SUBSCRIBER}: a client that falls that far behind is
 * closed (and resumes with {@code Last-Event-ID}) instead of growing the heap. A stream ends when its session is signed out,
 * its API key revoked or its user changed ({@link SignedOutStreams}).
 */
@RestController
class EventsController {
    private static final Logger log = LoggerFactory.getLogger(EventsController.class);
    /** Jobs whose last status one stream keeps, to drop stale and repeated events (least recently changed go first). */
    static final int JOBS_TRACKED = 4096;
    /** Client streams closed because they fell behind (tag {@code stream}: {@code all} for this one, {@code job} for a job's). */
    static final String DROPPED = "gateway.events.dropped";
    static final String BUFFERED = "gateway.events.buffered";

    private final StatusBus bus;
    private final JobStatuses statuses;
    private final MediaUrls urls;

    private final SignedOutStreams signedOut;
    private final Duration keepAlive;
    private final Counter dropped;

    EventsController(StatusBus bus, JobStatuses statuses, MediaUrls urls, SignedOutStreams signedOut, GatewaySettings settings,
                     MeterRegistry meters) {
        this.dropped = meters.counter(DROPPED, "stream", "all");
        // what waits in every client stream's buffer in this instance, each bounded by StatusBus.BUFFERED_PER_SUBSCRIBER
        Gauge.builder(BUFFERED, bus, StatusBus::buffered).register(meters);
        this.keepAlive = settings.keepAlive();
        this.bus = bus;
        this.statuses = statuses;
        this.urls = urls;
        this.signedOut = signedOut;
    }

    @Operation(operationId = "streamEvents", summary = "Every status of your jobs, live (server-sent events)",
            description = "Reconnect with `Last-Event-ID` to get what you missed, also from another instance or after a restart.")
    @ApiResponse(responseCode = "200", description = "Your jobs' statuses as they change; the stream stays open",
            content = @Content(mediaType = "text/event-stream",
            schema = @Schema(type = "string", description = "Server-sent events: `event: status` with `id` and, as `data`, the "
                    + "job as GET /api/jobs/{jobId} answers it (JobView); comments keep the stream open; `event: signed-out` "
                    + "(`{\"reason\", \"detail\"}`) last when the credential it was opened with is signed out or revoked")))
    @GetMapping(path = "/api/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<?>> events(CurrentUser user, Authentication authentication,
                                    @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId) {
        Predicate<StatusChanged> theirs = status -> user.maySee(status.ownerId());
        // the per-job order starts from what the client was sent before it reconnected, so a replayed stale event is dropped
        var events = Flux.defer(() -> legalMovesPerJob(bus.resume(lastEventId, theirs,
                                Flux.defer(() -> statuses.catchUp(user.id(), lastEventId))), bus.upTo(lastEventId, theirs)))
                .map(status -> ServerSentEvent.builder(JobView.of(status, urls)).id(status.eventId()).event("status").build());
        var heartbeats = Flux.interval(keepAlive)
                .map(tick -> ServerSentEvent.<JobView>builder().comment("keep-alive").build());
        // a first comment commits the response at once, so a client knows the stream is listening
        var connected = Flux.just(ServerSentEvent.<JobView>builder().comment("connected").build());
        // ends (with a last "signed-out" event) once the credential it was opened with is revoked
        var stream = Flux.merge(connected, events, heartbeats).onErrorResume(StatusBus.SlowSubscriber.class, behind -> {
            dropped.increment();
            log.info("An event stream of {} fell behind and was closed; it resumes with Last-Event-ID", user.id());
            return Flux.empty();
        });
        return signedOut.endWhenRevoked(stream, authentication);
    }

    /**
     * Per job, what {@link JobsController#legalMovesOnly} does for one: a repeated event or a move
     * the state machine refuses (a live event older than the catch-up that came first) is dropped.
     */
    static Flux<StatusChanged> legalMovesPerJob(Flux<StatusChanged> statuses) {
        return legalMovesPerJob(statuses, List.of());
    }

    /** The same, starting from each job's status after {@code alreadySent} (in the order they were published). */
    static Flux<StatusChanged> legalMovesPerJob(Flux<StatusChanged> statuses, List<StatusChanged> alreadySent) {
        return Flux.defer(() -> {
            var last = new LinkedHashMap<String, StatusChanged>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, StatusChanged> eldest) {
                    return size() > JOBS_TRACKED;
                }
            };
            Predicate<StatusChanged> legal = status -> {
                var before = last.get(status.jobId());
                if (before != null && (before.eventId().equals(status.eventId())
                        || !JobStatus.shouldApply(before.status(), status.status()))) {
                    return false;
                }
                last.put(status.jobId(), status);
                return true;
            };
            alreadySent.forEach(legal::test);
            return statuses.filter(legal);
        });
    }
}
