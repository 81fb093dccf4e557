package com.desayre.gateway.limits;

import com.desayre.gateway.accounts.AuditLog;
import com.desayre.gateway.accounts.AuthSettings;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The daily quotas admins set per user ({@code gateway.user_quotas}); users without one have
 * {@code desayre.limits.daily-quota}. Read on every generation request, so each instance caches
 * a user's quota for {@code desayre.auth.user-cache-ttl} (changes through this instance apply at once).
 * Every change is in the audit log, written in the same transaction.
 */
@Component
class DailyQuotas {
    private static final int CACHE_LIMIT = 10_000;

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AuditLog audit;
    private final LimitSettings settings;
    private final long cacheTtlNanos;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    DailyQuotas(DatabaseClient db, ReactiveTransactionManager transactions, AuditLog audit, LimitSettings settings,
                AuthSettings auth) {
        this.db = db;
        this.tx = TransactionalOperator.create(transactions);
        this.audit = audit;
        this.settings = settings;
        this.cacheTtlNanos = auth.userCacheTtl().toNanos();
    }

    /** A user's quota and whether an admin set it ({@code own}) or it is the default. */
    record Quota(long dailyQuota, boolean own) {
    }

    private record Cached(Quota quota, long loadedAt) {
    }

    Mono<Quota> of(String username) {
        return Mono.defer(() -> {
            var cached = cache.get(username);
            if (cached != null && System.nanoTime() - cached.loadedAt() < cacheTtlNanos) {
                return Mono.just(cached.quota());
            }
            return load(username);
        });
    }

    private Mono<Quota> load(String username) {
        return own(username)
                .map(own -> own.map(q -> new Quota(q, true)).orElseGet(() -> new Quota(settings.dailyQuota(), false)))
                .doOnNext(quota -> {
                    if (cache.size() >= CACHE_LIMIT) {
                        cache.clear();
                    }
                    cache.put(username, new Cached(quota, System.nanoTime()));
                });
    }

    /** Sets the user's own quota; empty if there is no such user. */
    Mono<Quota> set(String actor, String username, long dailyQuota) {
        var change = own(username).flatMap(before -> db.sql("insert into gateway.user_quotas (username, daily_quota, set_by) "
                                + "select username, :quota, :actor from gateway.users where username = :username "
                                + "on conflict (username) do update set daily_quota = excluded.daily_quota, set_by = excluded.set_by, set_at = now()")
                        .bind("quota", dailyQuota).bind("actor", actor).bind("username", username)
                        .fetch().rowsUpdated()
                        .filter(rows -> rows > 0)
                        .flatMap(rows -> audit.record(actor, "user.daily-quota", username,
                                Map.of("from", before.<Object>map(q -> q).orElse("default"), "to", dailyQuota)))
                        .thenReturn(new Quota(dailyQuota, true)));
        return tx.transactional(change).doOnTerminate(() -> cache.remove(username)).doOnCancel(() -> cache.remove(username));
    }

    /** Back to the configured default; the entry is audited even if the user had none. */
    Mono<Quota> clear(String actor, String username) {
        var change = own(username).flatMap(before -> db.sql("delete from gateway.user_quotas where username = :username")
                .bind("username", username).fetch().rowsUpdated()
                .then(audit.record(actor, "user.daily-quota", username,
                        Map.of("from", before.<Object>map(q -> q).orElse("default"), "to", "default")))
                .thenReturn(new Quota(settings.dailyQuota(), false)));
        return tx.transactional(change).doOnTerminate(() -> cache.remove(username)).doOnCancel(() -> cache.remove(username));
    }

    private Mono<Optional<Long>> own(String username) {
        return db.sql("select daily_quota from gateway.user_quotas where username = :username")
                .bind("username", username)
                .map(row -> row.get("daily_quota", Long.class))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }
}
