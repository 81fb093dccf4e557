package com.desayre.gateway.costs;

import com.desayre.contracts.PriceList;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads storage-sink's {@code ledger_entries} (history-schema V13). Every total counts charges less credits and
 * leaves out possible duplicates, which are summed apart.
 */
@Repository
public class CostLedgerReader {
    private final DatabaseClient db;
    private final PriceList prices;

    CostLedgerReader(DatabaseClient db, PriceList prices) {
        this.db = db;
        this.prices = prices;
    }

    /** The job's cost; zero with no entries (never sent to a provider, or not yet). */
    public Mono<JobCost> ofJob(String jobId) {
        return db.sql("""
                        select entry_id, entry, amount_micros, reported_micros, possible_duplicate, model, provider_request_id,
                               attempt, reason, occurred_at, currency
                        from ledger_entries where job_id = :jobId order by occurred_at, entry_id""")
                .bind("jobId", jobId)
                .map(row -> {
                    long amount = row.get("amount_micros", Long.class);
                    Long reported = row.get("reported_micros", Long.class);
                    return new JobCost.Entry(row.get("entry_id", String.class), row.get("entry", String.class),
                            PriceList.fromMicros(amount), reported == null ? null : PriceList.fromMicros(reported),
                            reported != null && reported != Math.abs(amount), Boolean.TRUE.equals(row.get("possible_duplicate",
                            Boolean.class)), row.get("model", String.class), row.get("provider_request_id", String.class),
                            row.get("attempt", Integer.class), row.get("reason", String.class),
                            row.get("occurred_at", java.time.OffsetDateTime.class).toInstant());
                })
                .all().collectList()
                .map(entries -> {
                    var amount = entries.stream().filter(e -> !e.possibleDuplicate()).map(JobCost.Entry::amount)
                            .reduce(BigDecimal.ZERO, BigDecimal::add);
                    var possible = entries.stream().filter(JobCost.Entry::possibleDuplicate).map(JobCost.Entry::amount)
                            .reduce(BigDecimal.ZERO, BigDecimal::add);
                    return new JobCost(PriceList.fromMicros(PriceList.toMicros(amount)), prices.currency(),
                            PriceList.fromMicros(PriceList.toMicros(possible)), List.copyOf(entries));
                });
    }

    /** One line of usage: an owner's spend on one kind and model in a period. */
    public record Usage(String ownerId, String kind, String provider, String model, long charges, long credits,
                        long possibleDuplicates, long amountMicros, long possibleMicros, Long reportedMicros) {
    }

    /** Spend per owner, kind and model in [from, to); only {@code ownerId}'s when it is not null. */
    public Flux<Usage> usage(String ownerId, Instant from, Instant to) {
        return usage("owner_id, kind, provider, model", ownerId, from, to);
    }

    /** Spend per provider and model in [from, to), everyone's ({@link Usage#ownerId()} and {@code kind} null). */
    public Flux<Usage> byModel(Instant from, Instant to) {
        return usage("null::text as owner_id, null::text as kind, provider, model", null, from, to);
    }

    private Flux<Usage> usage(String groups, String ownerId, Instant from, Instant to) {
        var sql = "select " + groups + """
                ,
                       count(*) filter (where entry = 'CHARGE' and not possible_duplicate) as charges,
                       count(*) filter (where entry = 'CREDIT') as credits,
                       count(*) filter (where possible_duplicate) as possible,
                       coalesce(sum(amount_micros) filter (where not possible_duplicate), 0) as amount,
                       coalesce(sum(amount_micros) filter (where possible_duplicate), 0) as possible_amount,
                       sum(reported_micros) as reported
                from ledger_entries
                where occurred_at >= :from and occurred_at < :to""" + (ownerId == null ? "" : " and owner_id = :owner")
                + " group by 1, 2, 3, 4 order by 1, 2, 3, 4";
        var spec = db.sql(sql).bind("from", from.atOffset(ZoneOffset.UTC)).bind("to", to.atOffset(ZoneOffset.UTC));
        if (ownerId != null) {
            spec = spec.bind("owner", ownerId);
        }
        return spec.map(row -> new Usage(row.get("owner_id", String.class), row.get("kind", String.class),
                row.get("provider", String.class), row.get("model", String.class), row.get("charges", Long.class),
                row.get("credits", Long.class), row.get("possible", Long.class), number(row.get("amount")),
                number(row.get("possible_amount")), row.get("reported") == null ? null : number(row.get("reported")))).all();
    }

    /** Everyone's spend in one UTC hour or day ({@code bucket}: date_trunc's field): charges less credits, duplicates apart. */
    public record Spend(Instant at, long amountMicros, long possibleMicros) {
    }

    /** Spend per {@code bucket} ("hour" or "day") in [from, to), oldest first; buckets without entries are left out. */
    public Flux<Spend> overTime(Instant from, Instant to, String bucket) {
        return db.sql("""
                        select date_trunc(:bucket, occurred_at, 'UTC') as at,
                               coalesce(sum(amount_micros) filter (where not possible_duplicate), 0) as amount,
                               coalesce(sum(amount_micros) filter (where possible_duplicate), 0) as possible_amount
                        from ledger_entries where occurred_at >= :from and occurred_at < :to
                        group by 1 order by 1""")
                .bind("bucket", bucket).bind("from", from.atOffset(ZoneOffset.UTC)).bind("to", to.atOffset(ZoneOffset.UTC))
                .map(row -> new Spend(row.get("at", java.time.OffsetDateTime.class).toInstant(), number(row.get("amount")),
                        number(row.get("possible_amount"))))
                .all();
    }

    /** What {@code ownerId} spent in [from, to), in millionths: charges less credits. */
    public Mono<Long> spentMicros(String ownerId, Instant from, Instant to) {
        return db.sql("""
                        select coalesce(sum(amount_micros), 0) as spent from ledger_entries
                        where owner_id = :owner and occurred_at >= :from and occurred_at < :to and not possible_duplicate""")
                .bind("owner", ownerId).bind("from", from.atOffset(ZoneOffset.UTC)).bind("to", to.atOffset(ZoneOffset.UTC))
                .map(row -> number(row.get("spent"))).one();
    }

    /** sum() of bigint is numeric in PostgreSQL. */
    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
