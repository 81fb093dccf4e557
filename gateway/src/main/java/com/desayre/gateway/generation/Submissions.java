package com.desayre.gateway.generation;

import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.RequestRules;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.gateway.jobs.StatusCache;
import com.desayre.gateway.costs.Budgets;
import com.desayre.gateway.limits.GenerationLimits;
import com.desayre.gateway.messaging.JobPublisher;
import com.desayre.gateway.queues.QueueAdmission;
import com.desayre.gateway.web.ApiProblem;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Turns a validated request into jobs (one, or n for {@code n} > 1): publishes them and answers
 * 202 only after Kafka acknowledged every one. With an {@code Idempotency-Key}, a retried request
 * returns the jobs the first one made instead of new ones: the key and the job ids are claimed
 * atomically in Redis before publishing, a concurrent duplicate is told to retry in a moment
 * (409), and a different request reusing the key is refused (422). If publishing fails, the claim
 * keeps its job ids and is marked failed: the client's retry publishes the <em>same</em> job ids
 * again, which every consumer treats as a redelivery, so a record that did reach Kafka before the
 * failure never becomes a second job.
 *
 * <p>Before publishing, {@link GenerationLimits} charges the request (each job's cost, one
 * in-flight slot per job): a refusal is a 429 and nothing is published; the units are handed
 * back if publishing then fails. A replay of an accepted request is not charged again. Before that,
 * {@link QueueAdmission} refuses jobs whose line for the provider is full (503 queue-full).
 */
@Component
public class Submissions {
    private static final Logger log = LoggerFactory.getLogger(Submissions.class);
    static final String IDEMPOTENCY_REUSED = "idempotency-key-reused";
    static final String IDEMPOTENCY_IN_PROGRESS = "idempotency-key-in-progress";
    private static final long KEY_TTL_SECONDS = 24 * 3600;
    private static final Duration CACHE_TIMEOUT = Duration.ofSeconds(1);
    /**
     * Claims a key: {@code claimed} for a new one; {@code retry|fp|ids} when an earlier attempt with
     * it failed (taken again, to publish the same ids); else the held {@code pending|…}/{@code done|…} value.
     */
    private static final RedisScript<String> CLAIM = RedisScript.of("""
            local held = redis.call('GET', KEYS[1])
            if held then
              if string.sub(held, 1, 7) == 'failed|' then
                local rest = string.sub(held, 8)
                if string.sub(rest, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '|' then
                  redis.call('SET', KEYS[1], 'pending|' .. rest, 'EX', ARGV[3])
                  return 'retry|' .. rest
                end
              end
              return held
            end
            redis.call('SET', KEYS[1], 'pending|' .. ARGV[1] .. '|' .. ARGV[2], 'EX', ARGV[3])
            return 'claimed'
            """, String.class);

    private final JobPublisher publisher;
    private final StatusCache cache;
    private final ReactiveStringRedisTemplate redis;
    private final GenerationLimits limits;
    private final QueueAdmission queues;
    private final Budgets budgets;

    Submissions(JobPublisher publisher, StatusCache cache, ReactiveStringRedisTemplate redis, GenerationLimits limits,
                QueueAdmission queues, Budgets budgets) {
        this.budgets = budgets;
        this.publisher = publisher;
        this.cache = cache;
        this.redis = redis;
        this.limits = limits;
        this.queues = queues;
    }

    record Accepted(String jobId, String status, String statusUrl, String eventsUrl) {
        static Accepted of(String jobId) {
            var statusUrl = "/api/jobs/" + jobId;
            return new Accepted(jobId, JobStatus.QUEUED.name(), statusUrl, statusUrl + "/events");
        }
    }

    Mono<ResponseEntity<?>> submit(JobSpec spec, String idempotencyKey, String request) {
        return submit(List.of(spec), idempotencyKey, request);
    }

    Mono<ResponseEntity<?>> submit(List<JobSpec> specs, String idempotencyKey, String request) {
        return submit(specs, idempotencyKey, request, Mono.empty());
    }

    /**
     * @param specs         one job per spec; one spec answers with one job, several with a list
     * @param request       what identifies the request for idempotency (its route and body); ignored without a key
     * @param beforePublish what the jobs need and only an admitted request may cost (storing an uploaded
     *                      source); run after the limits admitted the request, before its jobs are published
     */
    Mono<ResponseEntity<?>> submit(List<JobSpec> specs, String idempotencyKey, String request, Mono<Void> beforePublish) {
        return submit(specs, idempotencyKey, request, jobIds -> beforePublish);
    }

    /** As above; {@code beforePublish} gets the new jobs' ids (a per-request webhook is registered for them). */
    Mono<ResponseEntity<?>> submit(List<JobSpec> specs, String idempotencyKey, String request,
                                   java.util.function.Function<List<String>, Mono<Void>> beforePublish) {
        // the rules prompt-encoder holds every generation.requested record to: what the door takes, the pipeline takes
        var violations = new ArrayList<RequestRules.Violation>();
        specs.forEach(spec -> RequestRules.check(spec, "", violations));
        if (!violations.isEmpty()) {
            return Mono.error(ApiProblem.invalid(violations.stream()
                    .map(v -> new ApiProblem.FieldError(v.field(), "'" + v.field() + "' " + v.message() + ".")).distinct().toList()));
        }
        return runToTheEnd(Mono.defer(() -> claimAndSubmit(specs, idempotencyKey, request, beforePublish)));
    }

    /**
     * Once started, a submission finishes even if the client hangs up: cancelled half-way, it would
     * keep the units it was charged and the in-flight slots (no refund runs on cancel), leave its
     * Idempotency-Key "pending" for a day, or publish some of its jobs and not others. The caller's
     * Reactor context (the signed-in user, the API key) goes along.
     */
    private static <T> Mono<T> runToTheEnd(Mono<T> submission) {
        return Mono.deferContextual(context -> Mono.fromFuture(submission.contextWrite(context).toFuture(), true));
    }

    private Mono<ResponseEntity<?>> claimAndSubmit(List<JobSpec> specs, String idempotencyKey, String request,
                                                   java.util.function.Function<List<String>, Mono<Void>> beforePublish) {
        var jobIds = specs.stream().map(spec -> UUID.randomUUID().toString()).toList();
        boolean list = specs.size() > 1;
        if (idempotencyKey == null) {
            return admitAndPublish(jobIds, specs, beforePublish).map(headers -> accepted(jobIds, list, headers));
        }
        validate(idempotencyKey);
        var key = idempotencyKey(specs.get(0).ownerId(), idempotencyKey);
        var fingerprint = sha256(request);
        var ttl = String.valueOf(KEY_TTL_SECONDS);
        return redis.execute(CLAIM, List.of(key), List.of(fingerprint, String.join(",", jobIds), ttl)).next()
                .flatMap(held -> {
                    if (held.equals("claimed") || held.startsWith("retry|")) {
                        var ids = held.equals("claimed") ? jobIds : List.of(held.split("\\|", 3)[2].split(","));
                        if (ids.size() != specs.size()) {
                            return Mono.error(reused());
                        }
                        var value = fingerprint + "|" + String.join(",", ids);
                        return admitAndPublish(ids, specs, beforePublish)
                                .flatMap(headers -> redis.opsForValue().set(key, "done|" + value, Duration.ofSeconds(KEY_TTL_SECONDS))
                                        .thenReturn(accepted(ids, list, headers)))
                                .onErrorResume(e -> redis.opsForValue().set(key, "failed|" + value, Duration.ofSeconds(KEY_TTL_SECONDS))
                                        .onErrorResume(ignored -> Mono.empty())
                                        .then(Mono.error(e)));
                    }
                    var parts = held.split("\\|", 3);
                    if (!parts[1].equals(fingerprint)) {
                        return Mono.error(reused());
                    }
                    if (parts[0].equals("pending")) {
                        return Mono.error(new ApiProblem(HttpStatus.CONFLICT, IDEMPOTENCY_IN_PROGRESS, "Request in progress",
                                "The first request with this Idempotency-Key is still being accepted. Retry in a moment.",
                                Map.of()));
                    }
                    // a replay: the same jobs again, and nothing charged
                    return limits.headers(specs.get(0).ownerId()).map(headers -> accepted(List.of(parts[2].split(",")), list, headers));
                });
    }

    /** True if a request of this owner already used the Idempotency-Key (accepted, pending or failed); false if Redis can't tell. */
    Mono<Boolean> seen(String ownerId, String idempotencyKey) {
        return redis.hasKey(idempotencyKey(ownerId, idempotencyKey)).timeout(CACHE_TIMEOUT).onErrorReturn(false);
    }

    private static String idempotencyKey(String ownerId, String key) {
        return "desayre:idempotency:" + ownerId + ":" + key;
    }

    private static ApiProblem reused() {
        return new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, IDEMPOTENCY_REUSED,
                "Idempotency-Key reused", "This Idempotency-Key was already used for a different request. "
                + "Use a new key for a new request.", Map.of());
    }

    /**
     * Refuses the jobs if the line they would join is full (in memory, before anything else) or they would take their
     * owner past the monthly budget (402 budget-exceeded: one ledger query, and only for a user with a budget), charges
     * the limits for them, publishes them, and hands the units back if publishing (or what comes before it) failed.
     */
    private Mono<HttpHeaders> admitAndPublish(List<String> jobIds, List<JobSpec> specs,
                                              java.util.function.Function<List<String>, Mono<Void>> beforePublish) {
        var cost = specs.stream().mapToInt(spec -> limits.settings().cost(spec.kind(), 1)).sum();
        return Mono.fromRunnable(() -> queues.admit(specs))
                .then(Mono.defer(() -> budgets.check(specs.get(0).ownerId(), specs)))
                .then(Mono.defer(() -> limits.admit(specs.get(0).ownerId(), cost, jobIds)))
                // the charge's ledger row is written meanwhile; the answer waits for it too
                .flatMap(admission -> Mono.defer(() -> beforePublish.apply(jobIds)).then(publishAll(jobIds, specs))
                        .and(admission.recorded())
                        .onErrorResume(e -> admission.refund().then(Mono.error(e)))
                        .thenReturn(admission.headers()));
    }

    /** Publishes the jobs together (the sends overlap), completing when Kafka acknowledged all of them. */
    private Mono<Void> publishAll(List<String> jobIds, List<JobSpec> specs) {
        return Flux.range(0, specs.size()).flatMap(i -> publish(jobIds.get(i), specs.get(i))).then();
    }

    /**
     * The job's record and its QUEUED status in the cache go at the same time, so a request waits for one round trip (the
     * broker's acknowledgement, shared with other requests), not for Kafka and then Redis. The cache write is waited for
     * (bounded), so a GET right after the 202 finds the job; the cache applies only legal moves, so a QUEUED that lands
     * after the job's next status is dropped, and if Kafka refuses the job its QUEUED is taken back. The status record
     * is sent after the acknowledgement without waiting for its own, and a failure to send it is only logged.
     */
    private Mono<Void> publish(String jobId, JobSpec spec) {
        var queued = StatusChanged.of(jobId, spec, JobStatus.QUEUED, "gateway", "Waiting for a free slot.");
        // with Redis down the job is still accepted, and every instance caches the QUEUED status when it reads it back
        var cached = cache.offer(queued).timeout(CACHE_TIMEOUT).onErrorResume(e -> Mono.just(false)).cache();
        return publisher.publish(Topics.REQUESTED, jobId, GenerationRequested.of(jobId, spec))
                .onErrorResume(e -> cached.flatMap(applied -> applied ? cache.forget(jobId).timeout(CACHE_TIMEOUT)
                        .onErrorResume(ignored -> Mono.empty()) : Mono.empty()).then(Mono.error(e)))
                .and(cached)
                .then(cached)
                .flatMap(applied -> Mono.deferContextual(context -> {
                    announce(queued, applied, context);
                    return Mono.<Void>empty();
                }));
    }

    /**
     * The job is already safe in Kafka: announcing QUEUED on the status topic must neither fail nor slow the answer. When
     * the cache took it, the record says so and the status projection does not write it again.
     */
    private void announce(StatusChanged queued, boolean cached, reactor.util.context.ContextView context) {
        // the request's context goes along: the status record carries the request's trace
        (cached ? publisher.sendCachedStatus(queued.jobId(), queued) : publisher.publish(Topics.STATUS, queued.jobId(), queued))
                .contextWrite(context).subscribe(sent -> { },
                e -> log.warn("Job {} accepted, but its QUEUED status was not published: {}", queued.jobId(), e.getMessage()));
    }

    private static ResponseEntity<?> accepted(List<String> jobIds, boolean list, HttpHeaders headers) {
        if (list) {
            return ResponseEntity.accepted().headers(headers).body(jobIds.stream().map(Accepted::of).toList());
        }
        var body = Accepted.of(jobIds.get(0));
        return ResponseEntity.accepted().location(URI.create(body.statusUrl())).headers(headers).body(body);
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
