package com.desayre.gateway.limits;

import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The durable record of every charge against the daily quotas ({@code gateway.quota_charges}). Redis
 * counts the shared daily totals; this ledger is what those totals are made whole from after Redis
 * trouble, and what the daily quota is checked against while Redis cannot be reached (see
 * {@link GenerationLimits} and docs/limits.md).
 *
 * <p>A row is {@code reconciled} once Redis's counter reflects it. Charges admitted by Redis are written
 * reconciled; charges admitted while Redis could not be reached (and refunds and refusals Redis has not
 * heard of) are written pending and applied later, exactly once, by {@link GenerationLimits}' reconciler.
 */
@Component
class QuotaLedger {
    /** Rows of one insert at most: 7 parameters each, well under PostgreSQL's 65,535 per statement. */
    static final int MAX_BATCH = 500;

    private final DatabaseClient db;
    /** Charges Redis admitted, written together: one insert per database round trip, not one per request. */
    private final GroupCommit<Row> shared = new GroupCommit<>(MAX_BATCH, this::insertAll);

    QuotaLedger(DatabaseClient db) {
        this.db = db;
    }

    private record Row(String id, String username, long day, int units, List<String> jobIds, boolean refunded, boolean reconciled) {
    }

    /** A row Redis has not heard of yet. */
    record Pending(String id, String username, long day, int units, List<String> jobIds, boolean refunded) {
    }

    /**
     * A charge Redis admitted (and so already counts). Completes once its row is committed, as a single insert would, but
     * in one insert with the other requests' rows that came meanwhile ({@link GroupCommit}).
     */
    Mono<Void> recordShared(String id, String username, long day, int units, List<String> jobIds) {
        return shared.add(new Row(id, username, day, units, jobIds, false, true));
    }

    /** The user's units charged on {@code day} (refunds left out), by every instance, through Redis or not. */
    Mono<Long> used(String username, long day) {
        return db.sql("select coalesce(sum(units), 0) as used from gateway.quota_charges "
                        + "where username = :username and day = :day and not refunded")
                .bind("username", username).bind("day", (int) day)
                .map(row -> row.get("used", Long.class))
                .one()
                .defaultIfEmpty(0L);
    }

    /** A charge decided without Redis: pending until the reconciler adds it to Redis's counter. */
    Mono<Void> recordPending(String id, String username, long day, int units, List<String> jobIds) {
        return insert(id, username, day, units, jobIds, false, false);
    }

    /**
     * A request Redis may have charged although it was refused (its call timed out and may still run): a pending
     * refund, so the reconciler takes the charge back if Redis made it, and stops it if it has not run yet.
     */
    Mono<Void> tombstone(String id, String username, long day, int units, List<String> jobIds) {
        return insert(id, username, day, units, jobIds, true, false);
    }

    /** The charge was handed back; {@code inRedis}: Redis's counters already reflect the refund. */
    Mono<Void> refunded(String id, boolean inRedis) {
        return db.sql("update gateway.quota_charges set refunded = true, reconciled = :reconciled where id = :id")
                .bind("reconciled", inRedis).bind("id", UUID.fromString(id))
                .fetch().rowsUpdated().then();
    }

    /**
     * Makes the day's charges pending again (Redis lost its counters): the reconciler then adds each to Redis once more,
     * except those Redis has counted since (their ids are in its new hash of charges). Answers how many.
     */
    Mono<Long> repend(long day) {
        return db.sql("update gateway.quota_charges set reconciled = false where day = :day and not refunded and reconciled")
                .bind("day", (int) day).fetch().rowsUpdated();
    }

    /** The oldest rows Redis has not heard of. */
    Flux<Pending> pending(int limit) {
        return db.sql("select id, username, day, units, job_ids, refunded from gateway.quota_charges where not reconciled "
                        + "order by charged_at limit :limit")
                .bind("limit", limit)
                .map(row -> new Pending(row.get("id", UUID.class).toString(), row.get("username", String.class),
                        row.get("day", Integer.class), row.get("units", Integer.class), jobIds(row.get("job_ids", String.class)),
                        row.get("refunded", Boolean.class)))
                .all();
    }

    /**
     * Marks a row applied to Redis — unless it was refunded since it was read (then it stays pending, and the refund is
     * applied next). False when it stays pending.
     */
    Mono<Boolean> reconciled(String id, boolean refunded) {
        return db.sql("update gateway.quota_charges set reconciled = true where id = :id and refunded = :refunded")
                .bind("id", UUID.fromString(id)).bind("refunded", refunded)
                .fetch().rowsUpdated().map(rows -> rows > 0);
    }

    /** How many rows Redis has not heard of yet. */
    Mono<Long> pendingCount() {
        return db.sql("select count(*) as pending from gateway.quota_charges where not reconciled")
                .map(row -> row.get("pending", Long.class)).one();
    }

    /** Drops the rows of days before {@code day}: their quotas have renewed. */
    Mono<Long> forgetBefore(long day) {
        return db.sql("delete from gateway.quota_charges where day < :day").bind("day", (int) day).fetch().rowsUpdated();
    }

    private Mono<Void> insert(String id, String username, long day, int units, List<String> jobIds, boolean refunded,
                              boolean reconciled) {
        return insertAll(List.of(new Row(id, username, day, units, jobIds, refunded, reconciled)));
    }

    /** One statement for all the rows (their ids are distinct: each is a new charge's). */
    private Mono<Void> insertAll(List<Row> rows) {
        var sql = new StringBuilder("insert into gateway.quota_charges (id, username, day, units, job_ids, refunded, reconciled) values ");
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(:id%1$d, :username%1$d, :day%1$d, :units%1$d, :jobIds%1$d, :refunded%1$d, :reconciled%1$d)"
                    .formatted(i));
        }
        sql.append(" on conflict (id) do update set refunded = excluded.refunded, reconciled = excluded.reconciled");
        var statement = db.sql(sql.toString());
        for (int i = 0; i < rows.size(); i++) {
            var row = rows.get(i);
            statement = statement.bind("id" + i, UUID.fromString(row.id())).bind("username" + i, row.username())
                    .bind("day" + i, (int) row.day()).bind("units" + i, row.units()).bind("jobIds" + i, String.join(",", row.jobIds()))
                    .bind("refunded" + i, row.refunded()).bind("reconciled" + i, row.reconciled());
        }
        return statement.fetch().rowsUpdated().then();
    }

    private static List<String> jobIds(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(","));
    }
}
