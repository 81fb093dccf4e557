package com.desayre.gateway.costs;

import com.desayre.contracts.JobSpec;
import com.desayre.contracts.PriceList;
import com.desayre.encoder.core.PromptEncoder;
import com.desayre.gateway.accounts.AuditLog;
import com.desayre.gateway.accounts.AuthSettings;
import com.desayre.gateway.web.ApiProblem;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Monthly spend caps ({@code gateway.budgets}, docs/costs.md): a user's own, else the default admins set (the
 * row {@value #DEFAULT}), else none. Checked at the door with the generation limits: a request whose jobs, priced
 * as the workers will price them, would take the user's spend this UTC month (the ledger's charges less credits)
 * past the cap is refused with {@code 402 /problems/budget-exceeded}, before anything is charged or published.
 * Every change is audited in the same transaction.
 *
 * <p>The check at the door reads the budget rows from a per-instance cache kept {@code desayre.auth.user-cache-ttl}
 * (5 s), as the daily quotas are: two Postgres queries per generation request were a third of its round trips. A change
 * through this instance applies at once (its rows are dropped from the cache), one through another instance within that
 * time. What has been spent is always read fresh, and only for a user who has a budget.
 */
@Component
public class Budgets {
    public static final String BUDGET_EXCEEDED = "budget-exceeded";
    /** The row that holds the default budget: no username can be it (usernames are letters, digits, . _ -). */
    static final String DEFAULT = "*";
    private static final int CACHE_LIMIT = 10_000;

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AuditLog audit;
    private final CostLedgerReader ledger;
    private final PriceList prices;
    private final PromptEncoder encoder;
    private final long cacheTtlNanos;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

    private record Cached(Optional<Long> monthlyMicros, long loadedAt) {
    }

    Budgets(DatabaseClient db, ReactiveTransactionManager transactions, AuditLog audit, CostLedgerReader ledger, PriceList prices,
            PromptEncoder encoder, AuthSettings auth) {
        this.cacheTtlNanos = auth.userCacheTtl().toNanos();
        this.db = db;
        this.tx = TransactionalOperator.create(transactions);
        this.audit = audit;
        this.ledger = ledger;
        this.prices = prices;
        this.encoder = encoder;
    }

    /** A user's budget: their own, or the default (source {@code default}), or none (null). */
    record Budget(Long monthlyMicros, String source) {
    }

    Mono<Budget> of(String username) {
        return budget(username, this::own);
    }

    private Mono<Budget> budget(String username, java.util.function.Function<String, Mono<Optional<Long>>> row) {
        return row.apply(username).flatMap(own -> own.isPresent() ? Mono.just(new Budget(own.get(), "own"))
                : row.apply(DEFAULT).map(d -> new Budget(d.orElse(null), d.isPresent() ? "default" : "none")));
    }

    private void forget(String username) {
        changes.incrementAndGet();
        cache.remove(username);
    }

    /** A budget row as the door sees it: from this instance's cache while fresh. */
    private Mono<Optional<Long>> cachedOwn(String username) {
        return Mono.defer(() -> {
            var cached = cache.get(username);
            if (cached != null && System.nanoTime() - cached.loadedAt() < cacheTtlNanos) {
                return Mono.just(cached.monthlyMicros());
            }
            long loading = System.nanoTime();
            long changesBefore = changes.get();
            return own(username).doOnNext(row -> {
                if (cache.size() >= CACHE_LIMIT) {
                    cache.clear();
                }
                // a row read while a change committed may be the old one: it is not kept
                if (changes.get() == changesBefore) {
                    cache.put(username, new Cached(row, loading));
                }
            });
        });
    }

    /** Empty when the request fits the owner's budget (or they have none); a 402 problem when it does not. */
    public Mono<Void> check(String ownerId, List<JobSpec> specs) {
        return budget(ownerId, this::cachedOwn).flatMap(budget -> {
            if (budget.monthlyMicros() == null) {
                return Mono.empty();
            }
            var now = Instant.now();
            long cost = specs.stream().mapToLong(spec -> estimate(spec, now)).sum();
            return ledger.spentMicros(ownerId, monthStart(now), now.plusSeconds(1)).flatMap(spent -> {
                long left = Math.max(0, budget.monthlyMicros() - spent);
                return spent + cost <= budget.monthlyMicros() || cost == 0 ? Mono.<Void>empty()
                        : Mono.error(exceeded(budget.monthlyMicros(), spent, left, cost, now));
            });
        });
    }

    /** What one job of {@code spec} will cost, priced as its worker prices it (the model the encoder routes its kind to). */
    long estimate(JobSpec spec, Instant at) {
        var model = encoder.route(spec.kind()).map(com.desayre.encoder.core.ModelRoute::model).orElse("");
        var quantity = PriceList.quantityOf(spec);
        return prices.micros(model, quantity.outputs(), quantity.videoSeconds(), quantity.resolution(), at);
    }

    private ApiProblem exceeded(long budget, long spent, long left, long cost, Instant now) {
        var properties = new LinkedHashMap<String, Object>();
        properties.put("currency", prices.currency());
        properties.put("budget", PriceList.fromMicros(budget));
        properties.put("spent", PriceList.fromMicros(spent));
        properties.put("remaining", PriceList.fromMicros(left));
        properties.put("cost", PriceList.fromMicros(cost));
        properties.put("resetsAt", nextMonth(now));
        var c = prices.currency();
        return new ApiProblem(HttpStatus.PAYMENT_REQUIRED, BUDGET_EXCEEDED, "Monthly budget reached",
                "Your monthly budget is " + PriceList.fromMicros(budget) + " " + c + "; you have spent " + PriceList.fromMicros(spent)
                        + " " + c + " this month, so " + PriceList.fromMicros(left) + " " + c + " is left, and this request would cost "
                        + PriceList.fromMicros(cost) + " " + c + ". Nothing was queued or charged. Ask for less, or ask an admin to "
                        + "raise your budget; it renews on " + nextMonth(now).toString().substring(0, 10) + " (UTC).", properties);
    }

    static Instant monthStart(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static Instant nextMonth(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Sets a user's own budget (or, for {@link #DEFAULT}, everyone else's); audited. */
    Mono<Budget> set(String actor, String username, long monthlyMicros) {
        var change = own(username).flatMap(before -> db.sql("""
                        insert into gateway.budgets (username, monthly_micros, set_by) values (:username, :micros, :actor)
                        on conflict (username) do update set monthly_micros = excluded.monthly_micros, set_by = excluded.set_by,
                                                             set_at = now()""")
                .bind("username", username).bind("micros", monthlyMicros).bind("actor", actor)
                .fetch().rowsUpdated()
                .then(audit.record(actor, DEFAULT.equals(username) ? "budget.default" : "user.budget", username,
                        Map.of("from", before.<Object>map(PriceList::fromMicros).orElse("none"), "to", PriceList.fromMicros(monthlyMicros))))
                .then(of(username)));
        return tx.transactional(change).doFinally(signal -> forget(username));
    }

    /** Removes a user's own budget (back to the default), or the default (no cap); audited. */
    Mono<Budget> clear(String actor, String username) {
        var change = own(username).flatMap(before -> db.sql("delete from gateway.budgets where username = :username")
                .bind("username", username).fetch().rowsUpdated()
                .then(audit.record(actor, DEFAULT.equals(username) ? "budget.default" : "user.budget", username,
                        Map.of("from", before.<Object>map(PriceList::fromMicros).orElse("none"), "to", "none")))
                .then(of(username)));
        return tx.transactional(change).doFinally(signal -> forget(username));
    }

    private Mono<Optional<Long>> own(String username) {
        return db.sql("select monthly_micros from gateway.budgets where username = :username").bind("username", username)
                .map(row -> row.get("monthly_micros", Long.class)).one().map(Optional::of).defaultIfEmpty(Optional.empty());
    }
}
