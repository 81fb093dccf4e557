package com.desayre.storage;

import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.StoredMedia;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Jobs, their status timeline and their media in Postgres. Every write is idempotent: status
 * events are keyed by event id, and a job's status only moves along {@link JobStatus#canMoveTo},
 * so a redelivered or stale event never moves a job backwards or out of a terminal status.
 * Blocking calls: the Kafka consumer threads that call them are not event loops.
 */
@Repository
class JobProjection {
    private final DatabaseClient db;
    private final TransactionalOperator tx;

    JobProjection(DatabaseClient db, ReactiveTransactionManager transactions) {
        this.db = db;
        this.tx = TransactionalOperator.create(transactions);
    }

    /** A request read from generation.requested, with the trace id of its record ({@code traceparent}), or null. */
    record Requested(GenerationRequested request, String traceId) {
    }

    /**
     * What was asked, from generation.requested, for a poll of requests in one statement: fills each job's details
     * (and its trace id, once), never its status. A request recorded again changes nothing that matters.
     */
    void recordAll(List<Requested> poll) {
        // one row per job (a redelivered request is the same request), in job id order: rows are locked in one order
        var byJob = new java.util.TreeMap<String, Requested>();
        poll.forEach(r -> byJob.put(r.request().jobId(), r));
        if (byJob.isEmpty()) {
            return;
        }
        var values = new Values(String.class, String.class, String.class, String.class, String.class, String.class, Long.class,
                String.class, Boolean.class, String.class, String.class, Integer.class, String.class, Integer.class,
                OffsetDateTime.class, OffsetDateTime.class, String.class);
        for (var requested : byJob.values()) {
            var request = requested.request();
            var spec = request.spec();
            var occurred = request.occurredAt().atOffset(ZoneOffset.UTC);
            values.row(request.jobId(), spec.ownerId(), spec.kind().name(), "QUEUED", spec.prompt(), spec.aspectRatio(),
                    spec.seed(), spec.styleProfile(), spec.enhance(), spec.priority() == null ? null : spec.priority().name(),
                    spec.sourceMediaKey(), spec.durationSeconds(), spec.resolution(), spec.maxWaitSeconds(), occurred, occurred,
                    requested.traceId());
        }
        values.bindTo(db.sql("""
                insert into jobs (job_id, owner_id, kind, status, prompt, aspect_ratio, seed, requested_profile, enhance,
                                  priority, source_media_key, duration_seconds, resolution, max_wait_seconds, created_at, updated_at,
                                  trace_id)
                values %s
                on conflict (job_id) do update set
                    prompt = excluded.prompt, aspect_ratio = excluded.aspect_ratio, seed = excluded.seed,
                    requested_profile = excluded.requested_profile, enhance = excluded.enhance,
                    priority = excluded.priority, source_media_key = excluded.source_media_key,
                    duration_seconds = excluded.duration_seconds, resolution = excluded.resolution,
                    max_wait_seconds = excluded.max_wait_seconds,
                    created_at = least(jobs.created_at, excluded.created_at),
                    trace_id = coalesce(jobs.trace_id, excluded.trace_id)""".formatted(values.sql()))).then().block();
    }

    /**
     * Moves the job if the move is legal, and records the event in the timeline unless it is a
     * terminal status the job refused (it had already ended).
     *
     * @return whether the job moved to the event's status
     */
    boolean apply(StatusChanged event, String traceId) {
        return Boolean.TRUE.equals(applying(event, traceId).block());
    }

    /**
     * A poll's statuses in their order, in one transaction of at most five statements whatever the poll's size:
     * where its jobs stand is read once (their rows locked), what the poll does to them is worked out in memory
     * ({@link StatusPoll}), then written as one multi-row insert of the jobs new to the history, one multi-row
     * update of the others, one insert of the timeline and one update of the encodings. All or nothing.
     * A job's row that appears between the read and the insert (its request recorded meanwhile) fails the poll
     * with an {@link IllegalStateException}: applied one status at a time ({@link #apply}), it keeps the rules.
     *
     * @return for each status, whether its job moved to it and where the job stands after the poll
     */
    List<StatusPoll.Applied> applyPoll(List<StatusPoll.Projected> poll) {
        if (poll.isEmpty()) {
            return List.of();
        }
        return standingOf(poll.stream().map(p -> p.event().jobId()).toList(), true)
                .flatMap(before -> {
                    var plan = StatusPoll.plan(poll, before);
                    return insertJobs(plan).then(updateJobs(plan)).then(insertTimeline(plan)).then(updateEncodings(plan))
                            .thenReturn(plan.applied);
                })
                .as(tx::transactional).block();
    }

    private Mono<Void> insertJobs(StatusPoll plan) {
        var values = jobRows(plan, true);
        if (values.isEmpty()) {
            return Mono.empty();
        }
        return values.bindTo(db.sql("""
                insert into jobs (job_id, owner_id, kind, status, stage, message, error_code, created_at, updated_at, completed_at,
                                  trace_id)
                select job_id, owner_id, kind, status, stage, message, error_code, created_at, updated_at, completed_at, trace_id
                from (values %s) as v(job_id, owner_id, kind, status, stage, message, error_code, created_at, updated_at,
                                      completed_at, trace_id)
                on conflict (job_id) do nothing""".formatted(values.sql())))
                .fetch().rowsUpdated()
                .flatMap(inserted -> inserted == values.size() ? Mono.<Void>empty() : Mono.error(new IllegalStateException(
                        (values.size() - inserted) + " job(s) of the poll came into the history while it was projected")));
    }

    private Mono<Void> updateJobs(StatusPoll plan) {
        var values = jobRows(plan, false);
        if (values.isEmpty()) {
            return Mono.empty();
        }
        return values.bindTo(db.sql("""
                update jobs j set status = v.status, stage = v.stage, message = v.message, error_code = v.error_code,
                    created_at = least(j.created_at, v.created_at), updated_at = v.updated_at, completed_at = v.completed_at,
                    trace_id = coalesce(j.trace_id, v.trace_id)
                from (values %s) as v(job_id, owner_id, kind, status, stage, message, error_code, created_at, updated_at,
                                      completed_at, trace_id)
                where j.job_id = v.job_id""".formatted(values.sql()))).then();
    }

    private static Values jobRows(StatusPoll plan, boolean inserted) {
        var values = new Values(String.class, String.class, String.class, String.class, String.class, String.class, String.class,
                OffsetDateTime.class, OffsetDateTime.class, OffsetDateTime.class, String.class);
        for (var row : plan.rows.values()) {
            if (row.inserted == inserted) {
                values.row(row.jobId, row.ownerId, row.kind, row.status.name(), row.stage, row.message, row.errorCode,
                        row.createdAt, row.updatedAt, row.completedAt, row.traceId);
            }
        }
        return values;
    }

    /** Only a job's first WAITING goes in: the poll kept its first, the statement passes over it if one is in already. */
    private Mono<Void> insertTimeline(StatusPoll plan) {
        if (plan.timeline.isEmpty()) {
            return Mono.empty();
        }
        var values = new Values(String.class, String.class, String.class, String.class, Integer.class, String.class, String.class,
                OffsetDateTime.class);
        for (var event : plan.timeline) {
            values.row(event.eventId(), event.jobId(), event.status().name(), event.stage(), event.progress(), event.message(),
                    event.error() == null ? null : event.error().code(), event.occurredAt().atOffset(ZoneOffset.UTC));
        }
        return values.bindTo(db.sql("""
                insert into job_status_events (event_id, job_id, status, stage, progress, message, error_code, occurred_at)
                select v.* from (values %s) as v(event_id, job_id, status, stage, progress, message, error_code, occurred_at)
                where v.status <> 'WAITING'
                   or not exists (select 1 from job_status_events e where e.job_id = v.job_id and e.status = 'WAITING')
                on conflict (event_id) do nothing""".formatted(values.sql()))).then();
    }

    private Mono<Void> updateEncodings(StatusPoll plan) {
        if (plan.encodings.isEmpty()) {
            return Mono.empty();
        }
        var values = new Values(String.class, String.class, String.class, String.class, String.class, String.class, String.class);
        for (var event : plan.encodings.values()) {
            var encoding = event.encoding();
            values.row(event.jobId(), encoding.prompt(), encoding.negativePrompt(), encoding.profile(), encoding.encoderVersion(),
                    encoding.provider(), encoding.model());
        }
        return values.bindTo(db.sql("""
                update jobs j set encoded_prompt = v.prompt, negative_prompt = v.negative, style_profile = v.profile,
                    encoder_version = v.version, provider = v.provider, model = v.model
                from (values %s) as v(job_id, prompt, negative, profile, version, provider, model)
                where j.job_id = v.job_id""".formatted(values.sql()))).then();
    }

    private Mono<Boolean> applying(StatusChanged event, String traceId) {
        var occurred = event.occurredAt().atOffset(ZoneOffset.UTC);
        var legalFrom = event.status().legalPredecessors().stream().map(Enum::name).toArray(String[]::new);
        return db.sql("""
                insert into jobs (job_id, owner_id, kind, status, stage, message, error_code, created_at, updated_at, completed_at,
                                  trace_id)
                values (:jobId, :ownerId, :kind, :status, :stage, :message, :errorCode, :occurredAt, :occurredAt,
                        case when :terminal then :occurredAt end, :traceId)
                on conflict (job_id) do update set
                    status = excluded.status, stage = excluded.stage, message = excluded.message,
                    error_code = excluded.error_code, updated_at = excluded.updated_at,
                    completed_at = excluded.completed_at,
                    created_at = least(jobs.created_at, excluded.created_at),
                    trace_id = coalesce(jobs.trace_id, excluded.trace_id)
                where jobs.status = any(:legalFrom)""")
                .bind("traceId", nullable(traceId))
                .bind("jobId", event.jobId())
                .bind("ownerId", event.ownerId())
                .bind("kind", event.kind().name())
                .bind("status", event.status().name())
                .bind("stage", nullable(event.stage()))
                .bind("message", nullable(event.message()))
                .bind("errorCode", nullable(event.error() == null ? null : event.error().code()))
                .bind("occurredAt", occurred)
                .bind("terminal", event.status().isTerminal())
                .bind("legalFrom", legalFrom)
                .fetch().rowsUpdated()
                .map(updated -> updated > 0)
                .defaultIfEmpty(false)
                .flatMap(moved -> timeline(event, moved, occurred).then(encoding(event)).thenReturn(moved));
    }

    /**
     * A second ending (a result that lands after a cancel) is no part of the job's story: not in its timeline;
     * nor is every step up the line for the provider: only the first WAITING is (the job row holds the latest).
     */
    private Mono<Void> timeline(StatusChanged event, boolean moved, java.time.OffsetDateTime occurred) {
        if (!moved && event.status().isTerminal()) {
            return Mono.empty();
        }
        return db.sql("""
                insert into job_status_events (event_id, job_id, status, stage, progress, message, error_code, occurred_at)
                select :eventId, :jobId, :status, :stage, :progress, :message, :errorCode, :occurredAt
                where :status <> 'WAITING'
                   or not exists (select 1 from job_status_events where job_id = :jobId and status = 'WAITING')
                on conflict (event_id) do nothing""")
                .bind("eventId", event.eventId())
                .bind("jobId", event.jobId())
                .bind("status", event.status().name())
                .bind("stage", nullable(event.stage()))
                .bind("progress", event.progress() == null ? io.r2dbc.spi.Parameters.in(Integer.class) : event.progress())
                .bind("message", nullable(event.message()))
                .bind("errorCode", nullable(event.error() == null ? null : event.error().code()))
                .bind("occurredAt", occurred)
                .then();
    }

    /** The encoding is a fact about the job whatever status it has reached by now. */
    private Mono<Void> encoding(StatusChanged event) {
        var encoding = event.encoding();
        if (encoding == null) {
            return Mono.empty();
        }
        return db.sql("""
                update jobs set encoded_prompt = :prompt, negative_prompt = :negative, style_profile = :profile,
                    encoder_version = :version, provider = :provider, model = :model where job_id = :jobId""")
                .bind("prompt", nullable(encoding.prompt()))
                .bind("provider", nullable(encoding.provider()))
                .bind("model", nullable(encoding.model()))
                .bind("negative", nullable(encoding.negativePrompt()))
                .bind("profile", nullable(encoding.profile()))
                .bind("version", nullable(encoding.encoderVersion()))
                .bind("jobId", event.jobId())
                .then();
    }

    /** Where a job stands for storing its result: its status, and whether its owner deleted it; one query. */
    record Standing(JobStatus status, boolean deleted) {
    }

    /** Where each of these jobs stands (a job the history does not hold is not in the map); one query. */
    Map<String, Standing> standings(Collection<String> jobIds) {
        return jobIds.isEmpty() ? Map.of() : standingOf(jobIds, false).block();
    }

    /** One query for many jobs; {@code lock}: their rows locked, in job id order, for the transaction it runs in. */
    private Mono<Map<String, Standing>> standingOf(Collection<String> jobIds, boolean lock) {
        var ids = jobIds.stream().distinct().sorted().toArray(String[]::new);
        return db.sql("select job_id, status, deleted_at is not null as deleted from jobs where job_id = any(:ids) order by job_id"
                        + (lock ? " for update" : ""))
                .bind("ids", ids)
                .map(row -> Map.entry(row.get("job_id", String.class), new Standing(
                        JobStatus.valueOf(row.get("status", String.class)), Boolean.TRUE.equals(row.get("deleted", Boolean.class)))))
                .all().collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    Optional<Standing> standing(String jobId) {
        return Optional.ofNullable(db.sql("select status, deleted_at is not null as deleted from jobs where job_id = :jobId")
                .bind("jobId", jobId)
                .map(row -> new Standing(JobStatus.valueOf(row.get("status", String.class)),
                        Boolean.TRUE.equals(row.get("deleted", Boolean.class))))
                .one().block());
    }

    Optional<JobStatus> status(String jobId) {
        return Optional.ofNullable(db.sql("select status from jobs where job_id = :jobId")
                        .bind("jobId", jobId)
                        .map(row -> row.get("status", String.class))
                        .one().block())
                .map(JobStatus::valueOf);
    }

    /** One stored output of a result: its row in {@code media}. */
    record MediaRow(String jobId, int index, StoredMedia media, Integer thumbWidth, Integer thumbHeight, String providerRequestId,
                    String model, Long seed) {
    }

    /**
     * The media rows of a poll's stored results in one multi-row upsert. A poll can hold a job's result twice: one row
     * per (job, output) goes in, the poll's last (an upsert cannot touch a row twice), in key order (rows are locked in
     * one order).
     */
    void saveMedia(List<MediaRow> rows) {
        var byKey = new TreeMap<MediaRow, MediaRow>(Comparator.comparing(MediaRow::jobId).thenComparingInt(MediaRow::index));
        rows.forEach(row -> byKey.put(row, row)); // put keeps the first key and takes the last value
        if (byKey.isEmpty()) {
            return;
        }
        var values = new Values(String.class, Integer.class, String.class, String.class, Integer.class, Integer.class, Long.class,
                String.class, String.class, String.class, String.class, Integer.class, Integer.class, Long.class, Long.class);
        for (var row : byKey.values()) {
            var media = row.media();
            values.row(row.jobId(), row.index(), media.key(), media.mimeType(), media.width(), media.height(), media.bytes(),
                    media.sha256(), row.providerRequestId(), row.model(), media.thumbnailKey(), row.thumbWidth(), row.thumbHeight(),
                    media.durationMillis(), row.seed());
        }
        values.bindTo(db.sql("""
                insert into media (job_id, idx, storage_key, mime_type, width, height, bytes, sha256, provider_request_id, model,
                                   thumb_key, thumb_width, thumb_height, duration_millis, seed)
                values %s
                on conflict (job_id, idx) do update set
                    storage_key = excluded.storage_key, mime_type = excluded.mime_type, width = excluded.width,
                    height = excluded.height, bytes = excluded.bytes, sha256 = excluded.sha256,
                    thumb_key = excluded.thumb_key, thumb_width = excluded.thumb_width, thumb_height = excluded.thumb_height,
                    duration_millis = excluded.duration_millis, seed = excluded.seed""".formatted(values.sql()))).then().block();
    }

    /** Every object stored for a job: originals and thumbnails. */
    java.util.List<String> storedKeys(String jobId) {
        return db.sql("select storage_key, thumb_key from media where job_id = :jobId")
                .bind("jobId", jobId)
                .map(row -> java.util.Arrays.asList(row.get("storage_key", String.class), row.get("thumb_key", String.class)))
                .all().collectList().block().stream()
                .flatMap(java.util.List::stream).filter(java.util.Objects::nonNull).toList();
    }

    /** After its objects are gone: a result that came too late (the job had ended otherwise) is forgotten. */
    void discardMedia(String jobId) {
        db.sql("delete from media where job_id = :jobId").bind("jobId", jobId).then().block();
    }

    /** After its objects are gone: the job leaves every history, its media rows go. */
    void forget(String jobId) {
        db.sql("delete from media where job_id = :jobId").bind("jobId", jobId).then().block();
        db.sql("update jobs set deleted_at = coalesce(deleted_at, now()) where job_id = :jobId").bind("jobId", jobId).then().block();
    }

    private static Object nullable(String value) {
        return value == null ? io.r2dbc.spi.Parameters.in(String.class) : value;
    }

    /**
     * The rows of a multi-row {@code VALUES} list, each value bound under a name of its own and cast to its column's
     * type (a {@code VALUES} list in a {@code FROM} has no target columns to take types from).
     */
    static final class Values {
        private static final java.util.Map<Class<?>, String> SQL_TYPES = java.util.Map.of(String.class, "text",
                Integer.class, "integer", Long.class, "bigint", Boolean.class, "boolean", OffsetDateTime.class, "timestamptz");
        private final Class<?>[] types;
        private final StringBuilder sql = new StringBuilder();
        private final List<Object> binds = new java.util.ArrayList<>();
        private int rows;

        Values(Class<?>... types) {
            this.types = types;
        }

        void row(Object... values) {
            if (values.length != types.length) {
                throw new IllegalArgumentException(values.length + " values for " + types.length + " columns");
            }
            sql.append(rows == 0 ? "(" : ", (");
            for (int i = 0; i < values.length; i++) {
                sql.append(i == 0 ? "" : ", ").append("cast(:v").append(binds.size()).append(" as ")
                        .append(SQL_TYPES.get(types[i])).append(')');
                binds.add(values[i] == null ? io.r2dbc.spi.Parameters.in(types[i]) : values[i]);
            }
            sql.append(')');
            rows++;
        }

        boolean isEmpty() {
            return rows == 0;
        }

        long size() {
            return rows;
        }

        String sql() {
            return sql.toString();
        }

        DatabaseClient.GenericExecuteSpec bindTo(DatabaseClient.GenericExecuteSpec statement) {
            for (int i = 0; i < binds.size(); i++) {
                statement = statement.bind("v" + i, binds.get(i));
            }
            return statement;
        }
    }
}
