package com.desayre.gateway.history;

import com.desayre.contracts.JobError;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.StoredMedia;
import io.r2dbc.spi.Readable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads the job projections storage-sink keeps in Postgres ({@code public.jobs}, {@code media},
 * {@code job_status_events}): history pages, one job's timeline, media ownership. The gateway's
 * only write to them is a job's {@code deleted_at}, the user's intent to remove it.
 */
@Repository
public class HistoryRepository {
    private static final String COLUMNS = """
            j.job_id, j.owner_id, j.kind, j.status, j.stage, j.message, j.error_code, j.prompt, j.encoded_prompt,
            j.style_profile, j.encoder_version, j.provider, j.model, j.aspect_ratio, j.seed, j.priority,
            j.requested_profile, j.enhance, j.source_media_key, j.duration_seconds, j.resolution,
            j.max_wait_seconds, j.created_at, j.updated_at, j.completed_at""";

    private final DatabaseClient db;

    HistoryRepository(DatabaseClient db) {
        this.db = db;
    }

    /**
     * A history filter; null (or empty) fields don't filter. {@code ownerId} null means everyone's (admins).
     * {@code favouritesOf}: only the jobs this user starred (the libraries' "favourites only").
     */
    record Filter(String ownerId, Set<JobKind> kinds, JobStatus status, String text, Instant from, Instant to, String model,
                  String favouritesOf) {
        Filter {
            kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
        }
    }

    /** A page position: the last item seen, newest-first order. */
    record Cursor(Instant createdAt, String jobId) {
    }

    public record Row(String jobId, String ownerId, String kind, String status, String stage, String message, String errorCode,
               String prompt, String encodedPrompt, String styleProfile, String encoderVersion, String provider, String model,
               String aspectRatio, Long seed, String priority, String requestedProfile, Boolean enhance, String sourceMediaKey,
               Integer durationSeconds, String resolution, Integer maxWaitSeconds, Instant createdAt, Instant updatedAt,
               Instant completedAt) {
    }

    /** @param seed the seed the provider said it used for this output, if it said */
    public record MediaRow(int index, String key, String thumbKey, String mimeType, int width, int height, long bytes, String sha256,
                    Long durationMillis, Long seed) {
    }

    record TimelineEntry(String status, @Schema(nullable = true) String stage, @Schema(nullable = true) Integer progress,
                         @Schema(nullable = true) String message, @Schema(nullable = true) String errorCode, Instant at) {
    }

    /**
     * One page, newest first, by keyset: (created_at, job_id) below the cursor, so a page stays
     * correct while new jobs arrive (they sort before the cursor and never shift a later page).
     */
    Flux<Row> page(Filter filter, Cursor after, int limit) {
        var where = new StringBuilder(" j.deleted_at is null");
        var binds = new LinkedHashMap<String, Object>();
        if (filter.ownerId() != null) {
            where.append(" and j.owner_id = :owner");
            binds.put("owner", filter.ownerId());
        }
        if (filter.kinds().size() == 1) {
            // one kind: the (owner, kind, created_at) index serves the page
            where.append(" and j.kind = :kind");
            binds.put("kind", filter.kinds().iterator().next().name());
        } else if (!filter.kinds().isEmpty()) {
            where.append(" and j.kind = any(:kinds)");
            binds.put("kinds", filter.kinds().stream().map(Enum::name).sorted().toArray(String[]::new));
        }
        if (filter.model() != null) {
            where.append(" and j.model = :model");
            binds.put("model", filter.model());
        }
        if (filter.favouritesOf() != null) {
            where.append(" and exists (select 1 from gateway.favourites f where f.owner_id = :favouritesOf and f.job_id = j.job_id)");
            binds.put("favouritesOf", filter.favouritesOf());
        }
        if (filter.status() != null) {
            where.append(" and j.status = :status");
            binds.put("status", filter.status().name());
        }
        if (filter.from() != null) {
            where.append(" and j.created_at >= :from");
            binds.put("from", filter.from().atOffset(ZoneOffset.UTC));
        }
        if (filter.to() != null) {
            where.append(" and j.created_at < :to");
            binds.put("to", filter.to().atOffset(ZoneOffset.UTC));
        }
        if (after != null) {
            where.append(" and (j.created_at, j.job_id) < (:afterTime, :afterId)");
            binds.put("afterTime", after.createdAt().atOffset(ZoneOffset.UTC));
            binds.put("afterId", after.jobId());
        }
        binds.put("limit", limit);
        String sql;
        if (filter.text() == null) {
            sql = "select " + COLUMNS + " from public.jobs j where" + where
                    + " order by j.created_at desc, j.job_id desc limit :limit";
        } else {
            binds.put("text", filter.text());
            binds.put("window", SEARCH_WINDOW);
            sql = SEARCH.replace("WHERE", where);
        }
        var spec = db.sql(sql);
        for (var bind : binds.entrySet()) {
            spec = spec.bind(bind.getKey(), bind.getValue());
        }
        return spec.map(HistoryRepository::row).all();
    }

    /**
     * How many of the newest jobs (after the cursor) a search reads in order before it asks the
     * GIN index for the older matches instead.
     */
    static final int SEARCH_WINDOW = 1000;

    /**
     * A search page in a shape the planner cannot misuse. Left to itself, it walks the jobs newest
     * first until it has a page of matches: instant for a common term, but for a term that matches
     * almost nothing it reads every job (it guesses 0.5% of rows for a term it has no statistics
     * on). So: the newest {@link #SEARCH_WINDOW} jobs are read in order ({@code recent}); if they
     * hold a page of matches, that is the page. Only if they don't, and there are older jobs, are
     * the older matches fetched through the GIN index ({@code older}: its one-time filter skips
     * it otherwise), which is fast exactly when matches are few. The window and the older part
     * meet at the window's oldest row, so nothing is missed or listed twice. See
     * docs/history-queries.md for the plans.
     */
    private static final String SEARCH = """
            with recent as materialized (
                select j.job_id, j.created_at, j.search from public.jobs j where WHERE
                order by j.created_at desc, j.job_id desc limit :window),
            found as (
                select job_id, created_at from recent where search @@ websearch_to_tsquery('simple', :text)),
            older as materialized (
                select j.job_id, j.created_at from public.jobs j where WHERE
                  and j.search @@ websearch_to_tsquery('simple', :text)
                  and (j.created_at, j.job_id) < (select created_at, job_id from recent order by created_at, job_id limit 1)
                  and (select count(*) from recent) = :window and (select count(*) from found) < :limit),
            hits as (
                select job_id, created_at from found union all select job_id, created_at from older
                order by created_at desc, job_id desc limit :limit)
            select COLUMNS from hits h join public.jobs j on j.job_id = h.job_id
            order by j.created_at desc, j.job_id desc""".replace("COLUMNS", COLUMNS);

    /** The job if it exists and is not deleted. */
    public Mono<Row> job(String jobId) {
        return db.sql("select " + COLUMNS + " from public.jobs j where j.job_id = :jobId and j.deleted_at is null")
                .bind("jobId", jobId).map(HistoryRepository::row).one();
    }

    /** The job's trace id as storage-sink kept it from its records, if known. */
    public Mono<String> traceId(String jobId) {
        return db.sql("select trace_id from public.jobs where job_id = :jobId and trace_id is not null")
                .bind("jobId", jobId).map(row -> row.get("trace_id", String.class)).one();
    }

    /**
     * The jobs made from one of this job's files (edits and videos record their source as {@code source_media_key},
     * {@code <jobId>/<n>.<ext>}), oldest first, at most {@code limit}. They are the owner's and newer than the source,
     * which keeps the read on the owner's page index.
     */
    Flux<Row> madeFrom(Row source, int limit) {
        return db.sql("select " + COLUMNS + " from public.jobs j where j.deleted_at is null and j.owner_id = :owner"
                        + " and j.created_at >= :since and j.source_media_key like :prefix order by j.created_at, j.job_id limit :limit")
                .bind("owner", source.ownerId()).bind("since", source.createdAt().atOffset(ZoneOffset.UTC))
                .bind("prefix", likePrefix(source.jobId() + "/")).bind("limit", limit)
                .map(HistoryRepository::row).all();
    }

    /** The job a source file belongs to: {@code <jobId>/<n>.<ext>}; null for an upload ({@code uploads/…}) or none. */
    static String sourceJobId(String sourceMediaKey) {
        if (sourceMediaKey == null || sourceMediaKey.startsWith("uploads/")) {
            return null;
        }
        var slash = sourceMediaKey.indexOf('/');
        return slash > 0 ? sourceMediaKey.substring(0, slash) : null;
    }

    private static String likePrefix(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /** The listed jobs that exist and are not deleted, in no particular order. */
    Flux<Row> jobs(List<String> jobIds) {
        return db.sql("select " + COLUMNS + " from public.jobs j where j.job_id = any(:ids) and j.deleted_at is null")
                .bind("ids", jobIds.toArray(String[]::new)).map(HistoryRepository::row).all();
    }

    /** Each listed job's media, by job id, in one query. */
    public Mono<Map<String, List<MediaRow>>> media(List<String> jobIds) {
        if (jobIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return db.sql("""
                        select job_id, idx, storage_key, thumb_key, mime_type, width, height, bytes, sha256, duration_millis, seed
                        from public.media where job_id = any(:ids) order by job_id, idx""")
                .bind("ids", jobIds.toArray(String[]::new))
                .map(row -> Map.entry(row.get("job_id", String.class), mediaRow(row)))
                .all()
                .collectMultimap(Map.Entry::getKey, Map.Entry::getValue)
                .map(grouped -> {
                    var result = new LinkedHashMap<String, List<MediaRow>>();
                    grouped.forEach((id, rows) -> result.put(id, List.copyOf(rows)));
                    return result;
                });
    }

    Flux<TimelineEntry> timeline(String jobId) {
        return db.sql("""
                        select status, stage, progress, message, error_code, occurred_at
                        from public.job_status_events where job_id = :jobId order by occurred_at, recorded_at""")
                .bind("jobId", jobId)
                .map(row -> new TimelineEntry(row.get("status", String.class), row.get("stage", String.class),
                        row.get("progress", Integer.class), row.get("message", String.class),
                        row.get("error_code", String.class), instant(row, "occurred_at")))
                .all();
    }

    /** Who owns the job a stored object belongs to, if the job is not deleted. */
    Mono<String> mediaOwner(String jobId, String key) {
        return db.sql("""
                        select j.owner_id from public.media m join public.jobs j on j.job_id = m.job_id
                        where m.job_id = :jobId and (m.storage_key = :key or m.thumb_key = :key) and j.deleted_at is null
                        limit 1""")
                .bind("jobId", jobId).bind("key", key)
                .map(row -> row.get("owner_id", String.class)).one();
    }

    /** The status of the job's event with this id, as storage-sink recorded it in the job's timeline. */
    public Mono<JobStatus> eventStatus(String jobId, String eventId) {
        return db.sql("select status from public.job_status_events where event_id = :eventId and job_id = :jobId")
                .bind("eventId", eventId).bind("jobId", jobId)
                .map(row -> JobStatus.valueOf(row.get("status", String.class))).one();
    }

    /** Whether the job's owner deleted it (false for a job the history does not know, e.g. not projected yet). */
    public Mono<Boolean> isDeleted(String jobId) {
        return db.sql("select 1 from public.jobs where job_id = :jobId and deleted_at is not null")
                .bind("jobId", jobId).map(row -> true).one().defaultIfEmpty(false);
    }

    /** Marks the job deleted; true when it was visible until now. */
    Mono<Boolean> markDeleted(String jobId) {
        return db.sql("update public.jobs set deleted_at = now() where job_id = :jobId and deleted_at is null")
                .bind("jobId", jobId).fetch().rowsUpdated().map(count -> count > 0);
    }

    /** The job's latest status as an event (media read only when it completed), for when the Redis cache lacks or trails it. */
    public Mono<StatusChanged> latestStatus(String jobId) {
        return job(jobId).flatMap(row -> JobStatus.COMPLETED.name().equals(row.status())
                ? media(List.of(jobId)).map(media -> status(row, media.getOrDefault(jobId, List.of())))
                : Mono.just(status(row, List.of())));
    }

    /**
     * The owner's jobs an event stream that has lost track should hear about: every unfinished
     * one, and those whose status changed at or after {@code changedSince} (when given), newest
     * change first, at most {@code limit}. A job ending after {@code changedSince} started at most
     * {@link #LONGEST_JOB} before it, which keeps the second part on the (owner, created_at) index.
     */
    public Flux<StatusChanged> recentStatuses(String ownerId, Instant changedSince, int limit) {
        var unfinished = Arrays.stream(JobStatus.values()).filter(status -> !status.isTerminal()).map(JobStatus::name)
                .toArray(String[]::new);
        var changed = changedSince == null ? "" : """
                union
                select job_id from public.jobs where owner_id = :owner and deleted_at is null
                  and created_at >= :createdSince and updated_at >= :changedSince""";
        var spec = db.sql("select " + COLUMNS + " from public.jobs j where j.job_id in ("
                        + "select job_id from public.jobs where owner_id = :owner and deleted_at is null and status = any(:unfinished)"
                        + changed + ") order by j.updated_at desc limit :limit")
                .bind("owner", ownerId).bind("unfinished", unfinished).bind("limit", limit);
        if (changedSince != null) {
            spec = spec.bind("changedSince", changedSince.atOffset(ZoneOffset.UTC))
                    .bind("createdSince", changedSince.minus(LONGEST_JOB).atOffset(ZoneOffset.UTC));
        }
        return spec.map(HistoryRepository::row).all().collectList().flatMapMany(rows -> media(rows.stream()
                        .filter(row -> JobStatus.COMPLETED.name().equals(row.status())).map(Row::jobId).toList())
                .flatMapIterable(media -> rows.stream().map(row -> status(row, media.getOrDefault(row.jobId(), List.of()))).toList()));
    }

    /** Longer than any job runs (a video's deadline is minutes): how far back a job that changed recently may have started. */
    static final Duration LONGEST_JOB = Duration.ofDays(1);

    /** When the status event with this id happened, if storage-sink recorded it. */
    public Mono<Instant> statusEventTime(String eventId) {
        return db.sql("select occurred_at from public.job_status_events where event_id = :eventId")
                .bind("eventId", eventId).map(row -> instant(row, "occurred_at")).one();
    }

    /** Each listed job's status, by job id (jobs that are unknown or deleted are left out). */
    public Mono<Map<String, JobStatus>> statuses(List<String> jobIds) {
        if (jobIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return db.sql("select job_id, status from public.jobs where job_id = any(:ids) and deleted_at is null")
                .bind("ids", jobIds.toArray(String[]::new))
                .map(row -> Map.entry(row.get("job_id", String.class), JobStatus.valueOf(row.get("status", String.class))))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /** The id of the status event read from the job history (not one the pipeline published). */
    public static String statusEventId(String jobId, JobStatus status) {
        return "db:" + jobId + ":" + status;
    }

    private static StatusChanged status(Row row, List<MediaRow> media) {
        var stored = new ArrayList<StoredMedia>();
        for (var m : media) {
            stored.add(new StoredMedia(m.key(), m.mimeType(), m.width(), m.height(), m.bytes(), m.sha256(), m.thumbKey(),
                    m.durationMillis()));
        }
        var status = JobStatus.valueOf(row.status());
        var error = row.errorCode() == null ? null : new JobError(row.errorCode(), row.message());
        return new StatusChanged(StatusChanged.SCHEMA_VERSION, statusEventId(row.jobId(), status), row.jobId(), row.updatedAt(),
                row.ownerId(), JobKind.valueOf(row.kind()), status, row.stage(), status == JobStatus.COMPLETED ? 100 : null,
                row.message(), error, status == JobStatus.COMPLETED ? stored : List.of(), null, null, null);
    }

    private static Row row(Readable row) {
        return new Row(row.get("job_id", String.class), row.get("owner_id", String.class), row.get("kind", String.class),
                row.get("status", String.class), row.get("stage", String.class), row.get("message", String.class),
                row.get("error_code", String.class), row.get("prompt", String.class), row.get("encoded_prompt", String.class),
                row.get("style_profile", String.class), row.get("encoder_version", String.class),
                row.get("provider", String.class), row.get("model", String.class), row.get("aspect_ratio", String.class),
                row.get("seed", Long.class), row.get("priority", String.class), row.get("requested_profile", String.class),
                row.get("enhance", Boolean.class), row.get("source_media_key", String.class),
                row.get("duration_seconds", Integer.class), row.get("resolution", String.class), row.get("max_wait_seconds", Integer.class), instant(row, "created_at"),
                instant(row, "updated_at"), instant(row, "completed_at"));
    }

    private static MediaRow mediaRow(Readable row) {
        return new MediaRow(row.get("idx", Integer.class), row.get("storage_key", String.class), row.get("thumb_key", String.class),
                row.get("mime_type", String.class), row.get("width", Integer.class), row.get("height", Integer.class),
                row.get("bytes", Long.class), row.get("sha256", String.class), row.get("duration_millis", Long.class),
                row.get("seed", Long.class));
    }

    private static Instant instant(Readable row, String column) {
        var value = row.get(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
