package com.desayre.gateway.jobs;

import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.gateway.history.HistoryRepository;
import com.desayre.gateway.limits.GenerationLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A job's status as the API tells it (REST, the first event of a stream, cancel's check): the more
 * advanced, by the state machine, of the gateway's Redis cache and storage-sink's Postgres
 * projection. Either can trail the other for a while — Redis when a write failed or expired,
 * Postgres by its own lag — and reading both means neither can keep a job in an old status for
 * good. A terminal status in Redis is final, so only a job the cache does not show ended costs a
 * Postgres read. When Postgres is ahead, what it says is written back to Redis and, for an ending,
 * the job's in-flight slot is freed (read repair: idempotent, and a failure only leaves it to the
 * next read).
 */
@Component
public class JobStatuses {
    private static final Logger log = LoggerFactory.getLogger(JobStatuses.class);
    /** Redis answers in well under a millisecond; past this the cache is taken as absent and Postgres answers. */
    static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);
    /** Jobs one catch-up sends at most, newest change first. */
    static final int CATCH_UP_LIMIT = 200;
    /** How far back a catch-up looks when it cannot tell when the client's last event happened. */
    static final Duration CATCH_UP_WINDOW = Duration.ofHours(1);
    /** Statuses carry their stage's clock: a catch-up also sends what changed this long before the client's last event. */
    static final Duration CLOCK_SLACK = Duration.ofSeconds(10);

    private final StatusCache cache;
    private final HistoryRepository history;
    private final GenerationLimits limits;

    JobStatuses(StatusCache cache, HistoryRepository history, GenerationLimits limits) {
        this.cache = cache;
        this.history = history;
        this.limits = limits;
    }

    /** The job's current status, or empty when neither store knows it. */
    Mono<StatusChanged> current(String jobId) {
        return cached(jobId).flatMap(cached -> {
            if (cached.isPresent() && cached.get().status().isTerminal()) {
                return Mono.just(cached.get());
            }
            var stored = history.latestStatus(jobId).map(Optional::of).defaultIfEmpty(Optional.empty());
            // with the cache's answer in hand, a Postgres failure is no reason to fail the read
            return (cached.isPresent() ? stored.onErrorResume(e -> Mono.just(Optional.empty())) : stored)
                    .flatMap(found -> settle(cached.orElse(null), found.orElse(null)));
        });
    }

    /**
     * The job's trace id: the job history's (storage-sink keeps it from the job's records, milliseconds after the 202),
     * else the status cache's. The history first: the cache forgets a job after its TTL (7 days), and a status written
     * back into it from a read carries the reader's trace, not the job's.
     */
    Mono<String> traceId(String jobId) {
        return history.traceId(jobId).onErrorResume(e -> Mono.empty())
                .switchIfEmpty(Mono.defer(() -> cache.traceId(jobId)).timeout(REDIS_TIMEOUT).onErrorResume(e -> Mono.empty())
                        .filter(trace -> !trace.isEmpty()));
    }

    /**
     * Whether the event with id {@code eventId} is one of the job's endings: the one {@code current} (an ended job's
     * status) is, by its id in the cache or the job history, or another terminal event of the job's timeline (stages
     * can each tell an ending, e.g. the gateway's and the worker's CANCELLED, and a stream sends whichever came first).
     */
    Mono<Boolean> isEnding(StatusChanged current, String eventId) {
        if (eventId == null || !current.status().isTerminal()) {
            return Mono.just(false);
        }
        if (eventId.equals(current.eventId()) || eventId.equals(HistoryRepository.statusEventId(current.jobId(), current.status()))) {
            return Mono.just(true);
        }
        return history.eventStatus(current.jobId(), eventId).map(JobStatus::isTerminal).defaultIfEmpty(false)
                .onErrorResume(e -> Mono.just(false));
    }

    /**
     * Whether the job was deleted. Deletion is recorded in the job history only (the cache keeps the
     * job's last status), so this is a Postgres read; when Postgres cannot answer, the job is taken as
     * not deleted (the cache still answers for it).
     */
    Mono<Boolean> deleted(String jobId) {
        return history.isDeleted(jobId).onErrorResume(e -> {
            log.debug("Could not read whether job {} was deleted: {}", jobId, e.toString());
            return Mono.just(false);
        });
    }

    /**
     * What an event stream that has lost track of the owner's jobs should hear first: the current
     * status of each unfinished job, and of each that changed since the event with id
     * {@code lastEventId} (its time as storage-sink recorded it, less {@link #CLOCK_SLACK}; else the
     * last hour).
     */
    Flux<StatusChanged> catchUp(String ownerId, String lastEventId) {
        var since = history.statusEventTime(lastEventId).map(at -> at.minus(CLOCK_SLACK)).onErrorResume(e -> Mono.empty())
                .defaultIfEmpty(Instant.now().minus(CATCH_UP_WINDOW));
        return since.flatMapMany(from -> history.recentStatuses(ownerId, from, CATCH_UP_LIMIT))
                .concatMap(stored -> cached(stored.jobId()).flatMap(cached -> settle(cached.orElse(null), stored)))
                .onErrorResume(e -> {
                    log.warn("Could not read {}'s recent jobs for an event stream: {}", ownerId, e.toString());
                    return Flux.empty();
                });
    }

    private Mono<Optional<StatusChanged>> cached(String jobId) {
        return cache.latest(jobId).timeout(REDIS_TIMEOUT).map(Optional::of).defaultIfEmpty(Optional.empty())
                .onErrorResume(e -> {
                    log.debug("Status cache unreadable for job {}: {}", jobId, e.toString());
                    return Mono.just(Optional.empty());
                });
    }

    /** The more advanced of the two; when it is Postgres's, Redis is brought up to it and an ending frees the slot. */
    private Mono<StatusChanged> settle(StatusChanged cached, StatusChanged stored) {
        var current = moreAdvanced(cached, stored);
        if (current == null) {
            return Mono.empty();
        }
        if (current == cached) {
            return Mono.just(current);
        }
        return cache.offer(current).timeout(REDIS_TIMEOUT).then(limits.release(current))
                .onErrorResume(e -> {
                    log.debug("Could not write job {}'s status back to the cache: {}", current.jobId(), e.toString());
                    return Mono.empty();
                })
                .thenReturn(current);
    }

    /**
     * Which of two sightings of one job is further along: the one the other may legally move to.
     * Where both moves are legal (WAITING, RETRYING and PROCESSING may follow one another) the later
     * one; the same status, or no legal move either way, keeps the cache's (it carries progress,
     * queue place and encoding, which Postgres does not).
     */
    static StatusChanged moreAdvanced(StatusChanged cached, StatusChanged stored) {
        if (cached == null || stored == null) {
            return cached == null ? stored : cached;
        }
        if (cached.status() == stored.status()) {
            return cached;
        }
        var forward = cached.status().canMoveTo(stored.status());
        var backward = stored.status().canMoveTo(cached.status());
        if (forward && backward) {
            return stored.occurredAt().isAfter(cached.occurredAt()) ? stored : cached;
        }
        return forward ? stored : cached;
    }
}
