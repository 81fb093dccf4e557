package com.desayre.gateway.admin;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Admin statistics from storage-sink's projections ({@code public.jobs}, {@code public.media}),
 * read-only. Every job query is a range on {@code created_at} (index {@code jobs_created}), so it
 * reads the window's rows, not the table; deleted jobs count (their work was done and paid for).
 * Storage is one pass over {@code media}'s narrow rows.
 */
@Repository
class StatsRepository {
    private final DatabaseClient db;

    StatsRepository(DatabaseClient db) {
        this.db = db;
    }

    record KindStatus(String kind, String status, long lastHour, long lastDay, long last7Days) {
    }

    record ModelOutcomes(String provider, String model, long completed, long failed, long cancelled, Double p50Ms, Double p95Ms) {
    }


    record UserJobs(String ownerId, long jobs, long completed, long failed) {
    }

    record Storage(long objects, long bytes) {
    }

    record BucketCount(Instant at, String kind, String status, long jobs) {
    }

    /** Jobs created in the range per UTC hour or day ({@code range.bucket()}), kind and status; empty buckets are left out. */
    Flux<BucketCount> jobsOverTime(SeriesRange range) {
        return db.sql("""
                        select date_trunc(:bucket, created_at, 'UTC') as at, kind, status, count(*) as jobs
                        from public.jobs where created_at >= :from and created_at < :to
                        group by 1, 2, 3 order by 1, 2, 3""")
                .bind("bucket", range.bucket())
                .bind("from", at(range.from()))
                .bind("to", at(range.to()))
                .map(row -> new BucketCount(row.get("at", java.time.OffsetDateTime.class).toInstant(), row.get("kind", String.class),
                        row.get("status", String.class), count(row, "jobs")))
                .all();
    }

    /** Jobs by kind and status created in the last hour, day and 7 days (from {@code now}). */
    Flux<KindStatus> jobsByKindAndStatus(Instant now) {
        return db.sql("""
                        select kind, status,
                               count(*) filter (where created_at >= :hour) as last_hour,
                               count(*) filter (where created_at >= :day) as last_day,
                               count(*) as last_week
                        from public.jobs where created_at >= :week and created_at <= :now
                        group by kind, status order by kind, status""")
                .bind("hour", at(now.minusSeconds(3600)))
                .bind("day", at(now.minusSeconds(86_400)))
                .bind("week", at(now.minusSeconds(7 * 86_400)))
                .bind("now", at(now))
                .map(row -> new KindStatus(row.get("kind", String.class), row.get("status", String.class), count(row, "last_hour"),
                        count(row, "last_day"), count(row, "last_week")))
                .all();
    }

    /** Finished jobs per provider and model created since {@code since}: outcomes and the latency (created → completed) of completed ones. */
    Flux<ModelOutcomes> outcomesByModel(Instant since, Instant now) {
        return db.sql("""
                        select coalesce(provider, '?') as provider, coalesce(model, '?') as model,
                               count(*) filter (where status = 'COMPLETED') as completed,
                               count(*) filter (where status = 'FAILED') as failed,
                               count(*) filter (where status = 'CANCELLED') as cancelled,
                               percentile_cont(0.5) within group (order by extract(epoch from completed_at - created_at) * 1000)
                                   filter (where status = 'COMPLETED') as p50,
                               percentile_cont(0.95) within group (order by extract(epoch from completed_at - created_at) * 1000)
                                   filter (where status = 'COMPLETED') as p95
                        from public.jobs
                        where created_at >= :since and created_at <= :now and status in ('COMPLETED', 'FAILED', 'CANCELLED')
                        group by 1, 2 order by 1, 2""")
                .bind("since", at(since))
                .bind("now", at(now))
                .map(row -> new ModelOutcomes(row.get("provider", String.class), row.get("model", String.class),
                        count(row, "completed"), count(row, "failed"), count(row, "cancelled"), number(row, "p50"),
                        number(row, "p95")))
                .all();
    }

    /** The users with the most jobs created since {@code since}. */
    Flux<UserJobs> topUsers(Instant since, Instant now, int limit) {
        return db.sql("""
                        select owner_id, count(*) as jobs,
                               count(*) filter (where status = 'COMPLETED') as completed,
                               count(*) filter (where status = 'FAILED') as failed
                        from public.jobs where created_at >= :since and created_at <= :now
                        group by owner_id order by jobs desc, owner_id limit :limit""")
                .bind("since", at(since))
                .bind("now", at(now))
                .bind("limit", limit)
                .map(row -> new UserJobs(row.get("owner_id", String.class), count(row, "jobs"), count(row, "completed"),
                        count(row, "failed")))
                .all();
    }

    /** Stored outputs and their bytes (thumbnails not counted: their size is not recorded). */
    Mono<Storage> storage() {
        return db.sql("select count(*) as objects, coalesce(sum(bytes), 0) as bytes from public.media")
                .map(row -> new Storage(count(row, "objects"), count(row, "bytes")))
                .one();
    }

    private static java.time.OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static long count(Readable row, String column) {
        var value = row.get(column, Number.class);
        return value == null ? 0 : value.longValue();
    }

    private static Double number(Readable row, String column) {
        var value = row.get(column, Number.class);
        return value == null ? null : value.doubleValue();
    }
}
