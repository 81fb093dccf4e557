package com.desayre.gateway.jobs;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.testsupport.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.test.StepVerifier;

/** The Redis status cache on the real Redis, step by step: legal moves only, never backwards, what it holds read back. */
class StatusCacheTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final LettuceConnectionFactory connections = connect();

    private final StatusCache cache = new StatusCache(new ReactiveStringRedisTemplate(connections), new GatewaySettings(null, null));

    private static LettuceConnectionFactory connect() {
        var factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", TestServers.redis().port()));
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    @AfterAll
    static void close() {
        connections.destroy();
    }

    private static StatusChanged status(String jobId, JobStatus status) {
        return StatusChanged.of(jobId, "ann", JobKind.IMAGE, status, "test", status.name());
    }

    @Test
    void aJobsFirstStatusIsHeldAndReadBack() {
        var queued = status(UUID.randomUUID().toString(), JobStatus.QUEUED);
        StepVerifier.create(cache.offer(queued)).expectNext(true).expectComplete().verify(WAIT);
        StepVerifier.create(cache.latest(queued.jobId()))
                .expectNextMatches(held -> held.eventId().equals(queued.eventId()) && held.status() == JobStatus.QUEUED)
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void aLateEventNeverMovesAJobBackwards() {
        var jobId = UUID.randomUUID().toString();
        StepVerifier.create(cache.offer(status(jobId, JobStatus.QUEUED)).concatWith(cache.offer(status(jobId, JobStatus.SUBMITTED)))
                        // a QUEUED or ENCODED that arrives after the job moved on is refused, and what is held stays
                        .concatWith(cache.offer(status(jobId, JobStatus.QUEUED)))
                        .concatWith(cache.offer(status(jobId, JobStatus.ENCODED))))
                .expectNext(true, true, false, false)
                .expectComplete()
                .verify(WAIT);
        StepVerifier.create(cache.latest(jobId).map(StatusChanged::status)).expectNext(JobStatus.SUBMITTED).expectComplete().verify(WAIT);
    }

    @Test
    void aTerminalStatusIsFinal() {
        var jobId = UUID.randomUUID().toString();
        StepVerifier.create(cache.offer(status(jobId, JobStatus.QUEUED)).then(cache.offer(status(jobId, JobStatus.CANCELLED))))
                .expectNext(true)
                .expectComplete()
                .verify(WAIT);
        StepVerifier.create(cache.offer(status(jobId, JobStatus.PROCESSING))).expectNext(false).expectComplete().verify(WAIT);
        StepVerifier.create(cache.latest(jobId).map(StatusChanged::status)).expectNext(JobStatus.CANCELLED).expectComplete().verify(WAIT);
    }

    /** A poll of the status topic in one call: each status sees the ones before it, of its job and in its order. */
    @Test
    void aPollAppliesInItsOrderInOneCall() {
        var a = UUID.randomUUID().toString();
        var b = UUID.randomUUID().toString();
        var offers = List.of(
                new StatusCache.Offer(status(a, JobStatus.QUEUED), "0af7651916cd43dd8448eb211c80319c"),
                new StatusCache.Offer(status(b, JobStatus.QUEUED), null),
                new StatusCache.Offer(status(a, JobStatus.ENCODED), "4bf92f3577b34da6a3ce929d0e0e4736"),
                // late in the same poll: b has not moved yet, so ENCODED is legal for it but QUEUED again for a is not
                new StatusCache.Offer(status(a, JobStatus.QUEUED), null),
                new StatusCache.Offer(status(b, JobStatus.ENCODED), null));
        StepVerifier.create(cache.offerAll(offers)).expectNext(List.of(true, true, true, false, true)).expectComplete().verify(WAIT);
        StepVerifier.create(cache.latest(a).map(StatusChanged::status)).expectNext(JobStatus.ENCODED).expectComplete().verify(WAIT);
        StepVerifier.create(cache.latest(b).map(StatusChanged::status)).expectNext(JobStatus.ENCODED).expectComplete().verify(WAIT);
        // the first trace id seen is kept
        StepVerifier.create(cache.traceId(a)).expectNext("0af7651916cd43dd8448eb211c80319c").expectComplete().verify(WAIT);
        StepVerifier.create(cache.traceId(b)).expectComplete().verify(WAIT);
    }

    @Test
    void aJobTheCacheNeverSawIsEmptyNotAnError() {
        StepVerifier.create(cache.latest(UUID.randomUUID().toString())).expectComplete().verify(WAIT);
    }
}
