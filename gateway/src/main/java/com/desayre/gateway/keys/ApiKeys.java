package com.desayre.gateway.keys;

import com.desayre.gateway.accounts.ApiKeyOwners;
import com.desayre.gateway.accounts.AuthSettings;
import com.desayre.gateway.accounts.Revocations;
import com.desayre.gateway.web.ApiProblem;
import io.swagger.v3.oas.annotations.media.Schema;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Personal API keys, shaped as {@link ApiKeyOwners} says.
 *
 * <p>Only the SHA-256 of the secret is stored. A slow password hash (bcrypt, Argon2) exists to
 * make guessing <em>human-chosen</em> passwords from a stolen hash expensive; a 256-bit random
 * secret cannot be guessed at any hashing speed, so a fast hash loses nothing, and it lets
 * every request be checked in microseconds instead of spending ~100 ms of CPU on bcrypt.
 *
 * <p>"Last used" is written at most once a minute per key and instance, off the request's path.
 */
@Component
public class ApiKeys implements ApiKeyOwners {
    static final int MAX_ACTIVE_KEYS = 25;
    static final int MAX_NAME_LENGTH = 100;

    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long TOUCH_EVERY_MS = 60_000;
    private static final int CACHE_LIMIT = 10_000;

    private final DatabaseClient db;
    private final Revocations revocations;
    private final TransactionalOperator tx;
    private final long cacheTtlNanos;
    private final Map<String, CachedKey> keys = new ConcurrentHashMap<>();
    private final Map<String, Long> lastTouched = new ConcurrentHashMap<>();

    ApiKeys(DatabaseClient db, AuthSettings settings, Revocations revocations, ReactiveTransactionManager transactions) {
        this.db = db;
        this.cacheTtlNanos = settings.userCacheTtl().toNanos();
        this.revocations = revocations;
        this.tx = TransactionalOperator.create(transactions);
        // a key revoked on another instance stops here within a revocation poll, not a cache TTL
        revocations.onRevoked(Revocations.Kind.API_KEY, keys::remove);
    }

    /** A key as listed: never the secret. */
    record KeyView(String id, String name, String prefix, Instant createdAt,
                   @Schema(nullable = true, description = "null until the key is first used") Instant lastUsedAt) {
    }

    /** A new key, with its secret: answered once, then only its hash remains. */
    record NewKey(String id, String name, String key, Instant createdAt) {
        @Override
        public String toString() {
            return "NewKey[" + id + "]";
        }
    }

    private record CachedKey(String owner, byte[] secretHash, long loadedAt) {
    }

    Mono<NewKey> create(String owner, String name) {
        var id = HexFormat.of().formatHex(bytes(ID_CHARS / 2));
        var secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
        return db.sql("insert into gateway.api_keys (key_id, owner, name, secret_sha256) "
                        + "select :id, :owner, :name, :hash where (select count(*) from gateway.api_keys "
                        + "where owner = :owner and revoked_at is null) < :max returning created_at")
                .bind("id", id).bind("owner", owner).bind("name", name).bind("hash", sha256(secret)).bind("max", MAX_ACTIVE_KEYS)
                .map(row -> row.get("created_at", Instant.class)).one()
                .switchIfEmpty(Mono.error(() -> new ApiProblem(HttpStatus.CONFLICT, "too-many-api-keys", "Too many API keys",
                        "You have " + MAX_ACTIVE_KEYS + " active API keys, the most allowed: revoke one you no longer use "
                                + "(DELETE /api/keys/{id}).", Map.of())))
                .map(created -> new NewKey(id, name, PREFIX + id + "_" + secret, created));
    }

    /** The owner's active keys, newest first. */
    Flux<KeyView> list(String owner) {
        return db.sql("select key_id, name, created_at, last_used_at from gateway.api_keys where owner = :owner and revoked_at is null "
                        + "order by created_at desc, key_id")
                .bind("owner", owner)
                .map(row -> new KeyView(row.get("key_id", String.class), row.get("name", String.class),
                        PREFIX + row.get("key_id", String.class) + "_", row.get("created_at", Instant.class),
                        row.get("last_used_at", Instant.class)))
                .all();
    }

    /**
     * Revokes one of the owner's keys; 404 if the owner has no such active key. The revocation is
     * recorded in the same transaction, so every instance refuses the key (and ends its event
     * streams) within a revocation poll.
     */
    Mono<Void> revoke(String owner, String id) {
        var change = db.sql("update gateway.api_keys set revoked_at = now() where key_id = :id and owner = :owner and revoked_at is null")
                .bind("id", id).bind("owner", owner)
                .fetch().rowsUpdated()
                .flatMap(rows -> rows == 0 ? Mono.error(ApiProblem.notFound("You have no active API key '" + id + "'."))
                        : revocations.record(Revocations.Kind.API_KEY, id));
        return tx.transactional(change).doOnNext(revocations::apply).doFinally(signal -> keys.remove(id)).then();
    }

    /** The key id of a token shaped like a key ({@code dsy_<id>_…}); empty otherwise. */
    @Override
    public Mono<String> owner(String token) {
        var parsed = ApiKeyOwners.parse(token);
        if (parsed == null) {
            return Mono.empty();
        }
        var id = parsed[0];
        var presented = sha256(parsed[1]);
        return cached(id)
                .filter(key -> MessageDigest.isEqual(key.secretHash(), presented))
                .map(key -> {
                    touch(id);
                    return key.owner();
                });
    }

    private Mono<CachedKey> cached(String id) {
        var cached = keys.get(id);
        if (cached != null && System.nanoTime() - cached.loadedAt() < cacheTtlNanos) {
            return Mono.just(cached);
        }
        return db.sql("select owner, secret_sha256 from gateway.api_keys where key_id = :id and revoked_at is null")
                .bind("id", id)
                .map(row -> new CachedKey(row.get("owner", String.class), row.get("secret_sha256", byte[].class), System.nanoTime()))
                .one()
                .doOnNext(key -> {
                    if (keys.size() >= CACHE_LIMIT) {
                        keys.clear();
                    }
                    keys.put(id, key);
                })
                .switchIfEmpty(Mono.fromRunnable(() -> keys.remove(id)));
    }

    private void touch(String id) {
        var now = System.currentTimeMillis();
        var previous = lastTouched.get(id);
        if (previous != null && now - previous < TOUCH_EVERY_MS) {
            return;
        }
        if (lastTouched.size() >= CACHE_LIMIT) {
            lastTouched.clear();
        }
        lastTouched.put(id, now);
        db.sql("update gateway.api_keys set last_used_at = now() where key_id = :id "
                        + "and (last_used_at is null or last_used_at < now() - interval '1 minute')")
                .bind("id", id).then()
                .subscribeOn(Schedulers.parallel())
                .subscribe(null, e -> log.warn("Could not record when API key {} was last used: {}", id, e.toString()));
    }

    private static byte[] bytes(int count) {
        var buffer = new byte[count];
        RANDOM.nextBytes(buffer);
        return buffer;
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
