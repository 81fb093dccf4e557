package com.desayre.gateway.webhooks;

import com.desayre.gateway.web.ApiProblem;
import io.r2dbc.spi.Readable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * A user's webhook endpoints and their deliveries in the gateway's schema (V7__webhooks.sql). Every query names the
 * owner: another user's endpoint is simply not there (404). Per-request endpoints ({@code job_id} set) are never listed.
 */
@Component
class Webhooks {
    static final int MAX_DESCRIPTION = 200;
    static final String SECRET_PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ENDPOINT_COLUMNS = "id, url, events, description, enabled, disabled_reason, previous_secret_until, "
            + "created_at, updated_at";
    private static final String DELIVERY_COLUMNS = "id, event_id, event_type, job_id, state, attempts, next_attempt_at, last_attempt_at, "
            + "response_status, latency_ms, response_excerpt, created_at";

    private final DatabaseClient db;
    private final WebhookSettings settings;

    Webhooks(DatabaseClient db, WebhookSettings settings) {
        this.db = db;
        this.settings = settings;
    }

    /** An endpoint as its owner sees it: never its secret. */
    record Endpoint(UUID id, String url, List<String> events, @Schema(nullable = true) String description, boolean enabled,
                    @Schema(nullable = true, description = "why deliveries stopped (e.g. failing for days); null while enabled")
                    String disabledReason,
                    @Schema(nullable = true, description = "after a rotation: until when the previous secret also signs")
                    Instant previousSecretValidUntil, Instant createdAt, Instant updatedAt) {
    }

    /** A new endpoint with its secret: answered once. */
    record CreatedEndpoint(UUID id, String url, List<String> events, @Schema(nullable = true) String description, boolean enabled,
                           Instant createdAt,
                           @Schema(description = "whsec_ + base64 of 32 bytes: shown only in this answer; verify signatures with it")
                           String secret) {
        @Override
        public String toString() {
            return "CreatedEndpoint[" + id + "]";
        }
    }

    /** A rotated secret: answered once. */
    record RotatedSecret(UUID id, String secret,
                         @Schema(description = "until then deliveries carry a signature with the previous secret too")
                         Instant previousSecretValidUntil) {
        @Override
        public String toString() {
            return "RotatedSecret[" + id + "]";
        }
    }

    /** One delivery (one event to one endpoint) and its last attempt. */
    record Delivery(UUID id, @Schema(description = "the webhook-id header, the same on every attempt") String eventId,
                    String type, @Schema(nullable = true) UUID jobId,
                    @Schema(allowableValues = {"pending", "delivered", "failed"}) String state, int attempts,
                    @Schema(nullable = true, description = "when the next attempt is due, while pending") Instant nextAttemptAt,
                    @Schema(nullable = true) Instant lastAttemptAt,
                    @Schema(nullable = true, description = "the receiver's HTTP status on the last attempt") Integer responseStatus,
                    @Schema(nullable = true) Integer latencyMs,
                    @Schema(nullable = true, description = "at most 1 KB of the receiver's answer, or why there was none")
                    String responseExcerpt, Instant createdAt) {
    }

    Mono<CreatedEndpoint> create(String owner, String url, List<String> events, String description) {
        var id = UUID.randomUUID();
        var secret = newSecret();
        return db.sql("insert into gateway.webhook_endpoints (id, owner, url, events, description, secret) "
                        + "select :id, :owner, :url, :events, :description, :secret where (select count(*) from gateway.webhook_endpoints "
                        + "where owner = :owner and job_id is null) < :max returning created_at")
                .bind("id", id).bind("owner", owner).bind("url", url).bind("events", normalized(events).toArray(String[]::new))
                .bind("description", nullable(description)).bind("secret", secret).bind("max", settings.maxEndpoints())
                .map(row -> row.get("created_at", Instant.class)).one()
                .switchIfEmpty(Mono.error(() -> new ApiProblem(HttpStatus.CONFLICT, "too-many-webhooks", "Too many webhook endpoints",
                        "You have " + settings.maxEndpoints() + " webhook endpoints, the most allowed: delete one you no longer use "
                                + "(DELETE /api/webhooks/{id}).", Map.of())))
                .map(created -> new CreatedEndpoint(id, url, normalized(events), blankToNull(description), true, created,
                        SECRET_PREFIX + secret));
    }

    /** The owner's endpoints, oldest first. */
    Flux<Endpoint> list(String owner) {
        return db.sql("select " + ENDPOINT_COLUMNS + " from gateway.webhook_endpoints where owner = :owner and job_id is null "
                        + "order by created_at, id")
                .bind("owner", owner).map(Webhooks::endpoint).all();
    }

    Mono<Endpoint> get(String owner, String id) {
        return uuid(id).flatMap(uuid -> db.sql("select " + ENDPOINT_COLUMNS + " from gateway.webhook_endpoints "
                                + "where id = :id and owner = :owner and job_id is null")
                        .bind("id", uuid).bind("owner", owner).map(Webhooks::endpoint).one())
                .switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    /** Applies what the change names; enabling again clears why it was disabled and the failure streak. */
    Mono<Endpoint> change(String owner, String id, WebhookChange change) {
        var sets = new StringBuilder("updated_at = now()");
        var binds = new LinkedHashMap<String, Object>();
        if (change.events() != null) {
            sets.append(", events = :events");
            binds.put("events", normalized(change.events()).toArray(String[]::new));
        }
        if (change.enabled() != null) {
            sets.append(", enabled = :enabled");
            binds.put("enabled", change.enabled());
            sets.append(change.enabled() ? ", disabled_reason = null, failing_since = null" : ", disabled_reason = 'disabled by its owner'");
        }
        if (change.description() != null) {
            sets.append(", description = nullif(:description, '')");
            binds.put("description", change.description().strip());
        }
        return uuid(id).flatMap(uuid -> {
                    var spec = db.sql("update gateway.webhook_endpoints set " + sets + " where id = :id and owner = :owner and job_id is null "
                            + "returning " + ENDPOINT_COLUMNS).bind("id", uuid).bind("owner", owner);
                    for (var bind : binds.entrySet()) {
                        spec = spec.bind(bind.getKey(), bind.getValue());
                    }
                    return spec.map(Webhooks::endpoint).one();
                })
                .switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    /** Deletes the endpoint and, with it, its deliveries (nothing more is sent). */
    Mono<Void> delete(String owner, String id) {
        return uuid(id).flatMap(uuid -> db.sql("delete from gateway.webhook_endpoints where id = :id and owner = :owner and job_id is null")
                        .bind("id", uuid).bind("owner", owner).fetch().rowsUpdated())
                .filter(rows -> rows > 0)
                .switchIfEmpty(Mono.error(() -> notFound(id)))
                .then();
    }

    /** A new secret; the current one keeps signing (a second signature) for the configured overlap. */
    Mono<RotatedSecret> rotate(String owner, String id) {
        var secret = newSecret();
        return uuid(id).flatMap(uuid -> db.sql("update gateway.webhook_endpoints set previous_secret = secret, secret = :secret, "
                                + "previous_secret_until = now() + make_interval(secs => :overlap), updated_at = now() "
                                + "where id = :id and owner = :owner and job_id is null returning previous_secret_until")
                        .bind("secret", secret).bind("overlap", (double) settings.rotationOverlap().toSeconds())
                        .bind("id", uuid).bind("owner", owner)
                        .map(row -> new RotatedSecret(uuid, SECRET_PREFIX + secret, row.get("previous_secret_until", Instant.class))).one())
                .switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    /** A {@value WebhookEvents#TEST} delivery to send now (also to a disabled endpoint: to check it before enabling it). */
    Mono<Delivery> test(String owner, String id) {
        return get(owner, id).flatMap(endpoint -> {
            var deliveryId = UUID.randomUUID();
            var eventId = "msg_" + deliveryId.toString().replace("-", "");
            var now = Instant.now();
            var body = new LinkedHashMap<String, Object>();
            body.put("type", WebhookEvents.TEST);
            body.put("timestamp", now.toString());
            body.put("data", Map.of("endpointId", endpoint.id().toString(), "message", "A test from DESAYRE: this endpoint receives webhooks."));
            return db.sql("insert into gateway.webhook_deliveries (id, endpoint_id, event_id, event_type, payload) "
                            + "values (:id, :endpoint, :event, :type, :payload) returning " + DELIVERY_COLUMNS)
                    .bind("id", deliveryId).bind("endpoint", endpoint.id()).bind("event", eventId).bind("type", WebhookEvents.TEST)
                    .bind("payload", JSON.writeValueAsString(body))
                    .map(Webhooks::delivery).one();
        });
    }

    /** The endpoint's deliveries, newest first. */
    Flux<Delivery> deliveries(String owner, String id, int limit) {
        return get(owner, id).flatMapMany(endpoint -> db.sql("select " + DELIVERY_COLUMNS + " from gateway.webhook_deliveries "
                        + "where endpoint_id = :endpoint order by created_at desc, seq desc limit :limit")
                .bind("endpoint", endpoint.id()).bind("limit", limit).map(Webhooks::delivery).all());
    }

    /**
     * Sends a delivery again, now, with the same webhook-id and body (a receiver that saw it drops it as a duplicate);
     * its retries start over.
     */
    Mono<Delivery> redeliver(String owner, String id, String deliveryId) {
        return get(owner, id).flatMap(endpoint -> uuid(deliveryId).flatMap(delivery -> db.sql("update gateway.webhook_deliveries "
                                + "set state = 'pending', attempts = 0, next_attempt_at = now() where id = :delivery and endpoint_id = :endpoint "
                                + "returning " + DELIVERY_COLUMNS)
                        .bind("delivery", delivery).bind("endpoint", endpoint.id()).map(Webhooks::delivery).one())
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("This endpoint has no delivery '" + deliveryId + "'."))));
    }

    /** The owner's request secret (base64), made on first use. */
    Mono<String> requestSecret(String owner) {
        return db.sql("insert into gateway.webhook_request_secrets (owner, secret) values (:owner, :secret) on conflict (owner) do nothing")
                .bind("owner", owner).bind("secret", newSecret()).then()
                .then(db.sql("select secret from gateway.webhook_request_secrets where owner = :owner").bind("owner", owner)
                        .map(row -> row.get("secret", String.class)).one());
    }

    /**
     * A per-request endpoint for each job: every event type of that job alone, signed with the owner's request secret,
     * never listed (docs/webhooks.md#per-request-webhooks).
     */
    Mono<Void> forJobs(String owner, String url, List<String> jobIds) {
        return requestSecret(owner).flatMapMany(secret -> reactor.core.publisher.Flux.fromIterable(jobIds).concatMap(jobId -> db.sql(
                                "insert into gateway.webhook_endpoints (id, owner, url, events, secret, job_id) "
                                        + "values (:id, :owner, :url, :events, :secret, :job)")
                        .bind("id", UUID.randomUUID()).bind("owner", owner).bind("url", url)
                        .bind("events", new String[] {WebhookEvents.STARTED, WebhookEvents.COMPLETED, WebhookEvents.FAILED, WebhookEvents.CANCELLED})
                        .bind("secret", secret).bind("job", UUID.fromString(jobId)).then()))
                .then();
    }

    private static Endpoint endpoint(Readable row) {
        return new Endpoint(row.get("id", UUID.class), row.get("url", String.class), List.of(row.get("events", String[].class)),
                row.get("description", String.class), Boolean.TRUE.equals(row.get("enabled", Boolean.class)),
                row.get("disabled_reason", String.class), row.get("previous_secret_until", Instant.class),
                row.get("created_at", Instant.class), row.get("updated_at", Instant.class));
    }

    private static Delivery delivery(Readable row) {
        var state = row.get("state", String.class);
        return new Delivery(row.get("id", UUID.class), row.get("event_id", String.class), row.get("event_type", String.class),
                row.get("job_id", UUID.class), state, row.get("attempts", Integer.class),
                "pending".equals(state) ? row.get("next_attempt_at", Instant.class) : null, row.get("last_attempt_at", Instant.class),
                row.get("response_status", Integer.class), row.get("latency_ms", Integer.class),
                row.get("response_excerpt", String.class), row.get("created_at", Instant.class));
    }

    static List<String> normalized(List<String> events) {
        return events.stream().map(event -> event.strip().toLowerCase(Locale.ROOT)).distinct().toList();
    }

    /** 32 random bytes, base64: the Standard Webhooks secret without its whsec_ prefix. */
    static String newSecret() {
        var bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static Mono<UUID> uuid(String id) {
        try {
            return Mono.just(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Mono.empty();
        }
    }

    private static ApiProblem notFound(String id) {
        return ApiProblem.notFound("You have no webhook endpoint '" + id + "'.");
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static Parameter nullable(String text) {
        return Parameter.fromOrEmpty(blankToNull(text), String.class);
    }
}
