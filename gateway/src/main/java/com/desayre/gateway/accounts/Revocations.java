package com.desayre.gateway.accounts;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Every revoked credential, known locally. Revocations are written durably to
 * {@code gateway.revocations} (a sign-out before its answer, a user's change and a key's revocation in
 * the same transaction as the change); each gateway instance keeps them in memory, loaded at start
 * before it takes requests and then read every {@code poll-interval}. A request is checked against
 * that copy with no I/O, and Redis plays no part: Redis trouble neither lets a signed-out token
 * through nor takes sign-in down.
 *
 * <p>It fails closed: when the copy has not been refreshed for {@code max-staleness} (Postgres
 * unreachable), this instance cannot know what was revoked elsewhere in the meantime, so session and
 * API-key requests are refused ({@link Authenticator}: 503, the token itself may be fine), open event
 * streams end ({@link SignedOutStreams}) and health reports OUT_OF_SERVICE.
 *
 * <p>Reading "rows with a higher id than the last one seen" would miss a row whose transaction took a
 * lower id but committed later. Each read instead asks for rows written by transactions at or after
 * the oldest one still running at the previous read ({@code pg_snapshot_xmin}): everything older has
 * committed (or never will) and was seen. Rows read twice are recognised by id.
 */
@Component
public class Revocations implements SmartInitializingSingleton, DisposableBean, HealthIndicator {
    public enum Kind {
        /** A signed-out session: subject is its {@code sid}. */
        SESSION("session"),
        /** A user's password, standing or role changed: subject is the username. */
        USER("user"),
        /** A revoked personal API key: subject is its id. */
        API_KEY("api-key");

        final String column;

        Kind(String column) {
            this.column = column;
        }

        static Kind of(String column) {
            for (var kind : values()) {
                if (kind.column.equals(column)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown revocation kind " + column);
        }
    }

    public record Revocation(long id, Kind kind, String subject, Instant until) {
    }

    private record Read(long xmin, Revocation revocation) {
    }

    private static final Logger log = LoggerFactory.getLogger(Revocations.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PRUNE_EVERY = Duration.ofSeconds(10);
    private static final Duration DELETE_EVERY = Duration.ofMinutes(10);

    private final DatabaseClient db;
    private final RevocationSettings settings;
    /** How long a revocation is kept: longer than any token it concerns can live (none is minted once revoked). */
    private final Duration keep;
    private final Map<String, Instant> revoked = new ConcurrentHashMap<>();
    private final Map<Long, Instant> applied = new ConcurrentHashMap<>();
    private final Map<Kind, List<Consumer<String>>> forgetters = new EnumMap<>(Kind.class);
    private final Sinks.Many<Revocation> live = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<Instant> staleness = Sinks.many().multicast().directBestEffort();

    private volatile boolean loaded;
    private volatile long refreshedAt;
    /** Read from the poll's thread only (one read at a time). */
    private long fromTx;
    private long prunedAt;
    private long deletedAt;
    private volatile boolean reportedStale;
    private Disposable polling;

    Revocations(DatabaseClient db, RevocationSettings settings, AuthSettings auth) {
        this.db = db;
        this.settings = settings;
        this.keep = auth.sessionTtl().plus(Sessions.CLOCK_SKEW).plusSeconds(5);
        for (var kind : Kind.values()) {
            forgetters.put(kind, new CopyOnWriteArrayList<>());
        }
    }

    /** {@code forget} is called with the subject of each revocation of that kind, here or elsewhere, before streams hear of it. */
    public void onRevoked(Kind kind, Consumer<String> forget) {
        forgetters.get(kind).add(forget);
    }

    /** Each revocation as this instance learns of it (its own at once, others' within a poll). */
    Flux<Revocation> events() {
        return live.asFlux();
    }

    /** Signals when the local copy goes stale (see the class comment). */
    Flux<Instant> staleSignals() {
        return staleness.asFlux();
    }

    boolean isRevoked(Kind kind, String subject) {
        var until = revoked.get(key(kind, subject));
        return until != null && until.isAfter(Instant.now());
    }

    /** True until the first read, and while no read has succeeded for {@code max-staleness}. */
    boolean stale() {
        return !loaded || System.nanoTime() - refreshedAt > settings.maxStaleness().toNanos();
    }

    Duration maxStaleness() {
        return settings.maxStaleness();
    }

    /** Writes a revocation durably and applies it here at once; completes once Postgres has it. */
    Mono<Revocation> revoke(Kind kind, String subject) {
        return record(kind, subject).doOnNext(this::apply);
    }

    /**
     * Writes a revocation, in the caller's transaction if there is one; the caller applies it here
     * ({@link #apply}) once that committed. Other instances read it when it has.
     */
    public Mono<Revocation> record(Kind kind, String subject) {
        var until = Instant.now().plus(keep);
        return db.sql("insert into gateway.revocations (kind, subject, until) values (:kind, :subject, :until) returning id")
                .bind("kind", kind.column).bind("subject", subject).bind("until", until)
                .map(row -> new Revocation(row.get("id", Long.class), kind, subject, until))
                .one();
    }

    /** Adds a revocation to the local copy, drops what was cached about its subject, and tells the streams (once per revocation). */
    public synchronized void apply(Revocation revocation) {
        if (revocation == null || applied.putIfAbsent(revocation.id(), revocation.until()) != null) {
            return;
        }
        revoked.merge(key(revocation.kind(), revocation.subject()), revocation.until(), (a, b) -> a.isAfter(b) ? a : b);
        forgetters.get(revocation.kind()).forEach(forget -> forget.accept(revocation.subject()));
        live.tryEmitNext(revocation);
    }

    /** The first read, before the gateway takes requests; then one every {@code poll-interval}. */
    @Override
    public void afterSingletonsInstantiated() {
        try {
            refresh().block(START_TIMEOUT);
            log.info("Revocations loaded: {} in force", revoked.size());
        } catch (RuntimeException e) {
            log.error("Could not load the revocations ({}): session and API-key requests are refused until they are", e.toString());
        }
        polling = Flux.interval(settings.pollInterval(), settings.pollInterval(), Schedulers.parallel())
                .doOnNext(tick -> reportIfStale())
                .onBackpressureDrop()
                .concatMap(tick -> refresh().onErrorResume(e -> {
                    if (!reportedStale) {
                        log.debug("Could not read the revocations: {}", e.toString());
                    }
                    return Mono.empty();
                }), 0)
                .subscribe();
    }

    @Override
    public void destroy() {
        if (polling != null) {
            polling.dispose();
        }
    }

    private Mono<Void> refresh() {
        return Mono.defer(() -> {
            var started = System.nanoTime();
            return db.sql("select s.xmin, r.id, r.kind, r.subject, r.until "
                            + "from (select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as xmin) s "
                            + "left join gateway.revocations r on r.tx >= :from and r.until > now() order by r.id")
                    .bind("from", fromTx)
                    .map(row -> {
                        var id = row.get("id", Long.class);
                        return new Read(row.get("xmin", Long.class), id == null ? null : new Revocation(id,
                                Kind.of(row.get("kind", String.class)), row.get("subject", String.class), row.get("until", Instant.class)));
                    })
                    .all()
                    .collectList()
                    .timeout(settings.readTimeout())
                    .doOnNext(rows -> {
                        rows.stream().map(Read::revocation).forEach(this::apply);
                        fromTx = rows.get(0).xmin();
                        refreshedAt = started;
                        loaded = true;
                        if (reportedStale) {
                            reportedStale = false;
                            log.info("Revocations read again: session and API-key requests are accepted again");
                        }
                        housekeeping();
                    })
                    .then();
        });
    }

    private void reportIfStale() {
        if (loaded && !reportedStale && stale()) {
            reportedStale = true;
            log.warn("Revocations not read for over {}: refusing session and API-key requests and ending event streams "
                    + "until Postgres answers again", settings.maxStaleness());
            staleness.tryEmitNext(Instant.now());
        }
    }

    /** Forgets what is past its time here (every few seconds), and deletes it from Postgres (every few minutes, any instance). */
    private void housekeeping() {
        var now = System.nanoTime();
        if (now - prunedAt > PRUNE_EVERY.toNanos()) {
            prunedAt = now;
            var instant = Instant.now();
            revoked.values().removeIf(until -> until.isBefore(instant));
            applied.values().removeIf(until -> until.isBefore(instant));
        }
        if (now - deletedAt > DELETE_EVERY.toNanos()) {
            deletedAt = now;
            db.sql("delete from gateway.revocations where until < now() - interval '1 hour'").then()
                    .subscribe(null, e -> log.debug("Could not delete old revocations: {}", e.toString()));
        }
    }

    @Override
    public Health health() {
        if (!loaded) {
            return Health.outOfService().withDetail("revocations", "not loaded yet").build();
        }
        var age = Duration.ofNanos(System.nanoTime() - refreshedAt).toMillis();
        if (stale()) {
            return Health.outOfService().withDetail("revocations", "not read for " + age + " ms: session and API-key requests "
                    + "are refused").build();
        }
        return Health.up().withDetail("inForce", revoked.size()).withDetail("readMsAgo", age).build();
    }

    private static String key(Kind kind, String subject) {
        return kind.column + ':' + subject;
    }
}
