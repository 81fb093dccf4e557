package com.desayre.gateway;

import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Turns a validated request into a job: publishes it and answers 202 only after Kafka
 * acknowledged. With an {@code Idempotency-Key}, a retried request returns the job the first one
 * made instead of a second job: the key is claimed atomically in Redis before publishing, a
 * concurrent duplicate is told to retry in a moment (409), and a different request reusing the
 * key is refused (422). If publishing fails the claim is released, so the client's retry works.
 */
@Component
class Submissions {
    private static final Logger log = LoggerFactory.getLogger(Submissions.class);
    static final String IDEMPOTENCY_REUSED = "idempotency-key-reused";
    static final String IDEMPOTENCY_IN_PROGRESS = "idempotency-key-in-progress";
    private static final long KEY_TTL_SECONDS = 24 * 3600;
    private static final RedisScript<String> CLAIM = RedisScript.of("""
            local held = redis.call('GET', KEYS[1])
            if held then return held end
            redis.call('SET', KEYS[1], 'pending|' .. ARGV[1] .. '|' .. ARGV[2], 'EX', ARGV[3])
            return 'claimed'
            """, String.class);

    private final JobPublisher publisher;
    private final StatusCache cache;
    private final ReactiveStringRedisTemplate redis;

    Submissions(JobPublisher publisher, StatusCache cache, ReactiveStringRedisTemplate redis) {
        this.publisher = publisher;
        this.cache = cache;
        this.redis = redis;
    }

    record Accepted(String jobId, String status, String statusUrl, String eventsUrl) {
        static Accepted of(String jobId) {
            var statusUrl = "/api/jobs/" + jobId;
            return new Accepted(jobId, JobStatus.QUEUED.name(), statusUrl, statusUrl + "/events");
        }
    }

    /**
     * @param request what identifies the request for idempotency (its route and body); ignored without a key
     */
    Mono<ResponseEntity<Accepted>> submit(JobSpec spec, String idempotencyKey, String request) {
        var jobId = UUID.randomUUID().toString();
        if (idempotencyKey == null) {
            return publish(jobId, spec).thenReturn(accepted(jobId));
        }
        validate(idempotencyKey);
        var key = "desayre:idempotency:" + spec.ownerId() + ":" + idempotencyKey;
        var fingerprint = sha256(request);
        return redis.execute(CLAIM, List.of(key), List.of(fingerprint, jobId, String.valueOf(KEY_TTL_SECONDS))).next()
                .flatMap(held -> {
                    if (held.equals("claimed")) {
                        return publish(jobId, spec)
                                .then(redis.opsForValue().set(key, "done|" + fingerprint + "|" + jobId,
                                        java.time.Duration.ofSeconds(KEY_TTL_SECONDS)))
                                .thenReturn(accepted(jobId))
                                .onErrorResume(e -> redis.delete(key).then(Mono.error(e)));
                    }
                    var parts = held.split("\\|", 3);
                    if (!parts[1].equals(fingerprint)) {
                        return Mono.error(new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, IDEMPOTENCY_REUSED,
                                "Idempotency-Key reused", "This Idempotency-Key was already used for a different request. "
                                + "Use a new key for a new request.", Map.of()));
                    }
                    if (parts[0].equals("pending")) {
                        return Mono.error(new ApiProblem(HttpStatus.CONFLICT, IDEMPOTENCY_IN_PROGRESS, "Request in progress",
                                "The first request with this Idempotency-Key is still being accepted. Retry in a moment.",
                                Map.of()));
                    }
                    return Mono.just(accepted(parts[2]));
                });
    }

    private Mono<Void> publish(String jobId, JobSpec spec) {
        var queued = StatusChanged.of(jobId, spec, JobStatus.QUEUED, "gateway", "Waiting for a free slot.");
        return publisher.publish(Topics.REQUESTED, jobId, GenerationRequested.of(jobId, spec))
                .then(Mono.defer(() -> announce(queued)));
    }

    /** The job is already safe in Kafka: a failure to announce QUEUED must not turn into an error for the caller. */
    private Mono<Void> announce(StatusChanged queued) {
        return cache.offer(queued).then(publisher.publish(Topics.STATUS, queued.jobId(), queued))
                .onErrorResume(e -> {
                    log.warn("Job {} accepted, but its QUEUED status was not published: {}", queued.jobId(), e.getMessage());
                    return Mono.empty();
                });
    }

    private static ResponseEntity<Accepted> accepted(String jobId) {
        var body = Accepted.of(jobId);
        return ResponseEntity.accepted().location(URI.create(body.statusUrl())).body(body);
    }

    private static void validate(String key) {
        if (key.isBlank() || key.length() > 255 || !key.chars().allMatch(c -> c > 32 && c < 127)) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("Idempotency-Key",
                    "The Idempotency-Key header must be 1 to 255 visible ASCII characters, e.g. a UUID.")));
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
