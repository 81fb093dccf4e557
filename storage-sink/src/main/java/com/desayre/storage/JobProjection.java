package com.desayre.storage;

import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
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

    /** What was asked, from generation.requested: fills the job's details, never its status. */
    void record(GenerationRequested request) {
        var spec = request.spec();
        var occurred = request.occurredAt().atOffset(ZoneOffset.UTC);
        db.sql("""
                insert into jobs (job_id, owner_id, kind, status, prompt, aspect_ratio, seed, requested_profile, enhance,
                                  priority, source_media_key, duration_seconds, resolution, max_wait_seconds, created_at, updated_at)
                values (:jobId, :ownerId, :kind, 'QUEUED', :prompt, :aspectRatio, :seed, :profile, :enhance, :priority,
                        :source, :duration, :resolution, :maxWait, :occurredAt, :occurredAt)
                on conflict (job_id) do update set
                    prompt = excluded.prompt, aspect_ratio = excluded.aspect_ratio, seed = excluded.seed,
                    requested_profile = excluded.requested_profile, enhance = excluded.enhance,
                    priority = excluded.priority, source_media_key = excluded.source_media_key,
                    duration_seconds = excluded.duration_seconds, resolution = excluded.resolution,
                    max_wait_seconds = excluded.max_wait_seconds,
                    created_at = least(jobs.created_at, excluded.created_at)""")
                .bind("source", nullable(spec.sourceMediaKey()))
                .bind("duration", spec.durationSeconds() == null ? io.r2dbc.spi.Parameters.in(Integer.class) : spec.durationSeconds())
                .bind("resolution", nullable(spec.resolution()))
                .bind("maxWait", spec.maxWaitSeconds() == null ? io.r2dbc.spi.Parameters.in(Integer.class) : spec.maxWaitSeconds())
                .bind("jobId", request.jobId())
                .bind("ownerId", spec.ownerId())
                .bind("kind", spec.kind().name())
                .bind("prompt", nullable(spec.prompt()))
                .bind("aspectRatio", nullable(spec.aspectRatio()))
                .bind("seed", spec.seed() == null ? io.r2dbc.spi.Parameters.in(Long.class) : spec.seed())
                .bind("profile", nullable(spec.styleProfile()))
                .bind("enhance", spec.enhance())
                .bind("priority", nullable(spec.priority() == null ? null : spec.priority().name()))
                .bind("occurredAt", occurred)
                .then().block();
    }

    /**
     * Moves the job if the move is legal, and records the event in the timeline unless it is a
     * terminal status the job refused (it had already ended).
     *
     * @return whether the job moved to the event's status
     */
    boolean apply(StatusChanged event) {
        return Boolean.TRUE.equals(applying(event).block());
    }

    /**
     * A poll's statuses in their order, in one transaction: one commit (one WAL flush) for all of them instead
     * of one per statement. All or nothing: a failure rolls every one back.
     *
     * @return for each event, whether its job moved to the event's status
     */
    List<Boolean> applyAll(List<StatusChanged> events) {
        return Flux.fromIterable(events).concatMap(this::applying).collectList().as(tx::transactional).block();
    }

    private Mono<Boolean> applying(StatusChanged event) {
        var occurred = event.occurredAt().atOffset(ZoneOffset.UTC);
        var legalFrom = event.status().legalPredecessors().stream().map(Enum::name).toArray(String[]::new);
        return db.sql("""
                insert into jobs (job_id, owner_id, kind, status, stage, message, error_code, created_at, updated_at, completed_at)
                values (:jobId, :ownerId, :kind, :status, :stage, :message, :errorCode, :occurredAt, :occurredAt,
                        case when :terminal then :occurredAt end)
                on conflict (job_id) do update set
                    status = excluded.status, stage = excluded.stage, message = excluded.message,
                    error_code = excluded.error_code, updated_at = excluded.updated_at,
                    completed_at = excluded.completed_at,
                    created_at = least(jobs.created_at, excluded.created_at)
                where jobs.status = any(:legalFrom)""")
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

    void saveMedia(String jobId, int index, MediaDownloader.Downloaded media, String key, Thumbnails.Thumbnail thumb,
                   String thumbKey, String providerRequestId, String model, Long seed) {
        db.sql("""
                insert into media (job_id, idx, storage_key, mime_type, width, height, bytes, sha256, provider_request_id, model,
                                   thumb_key, thumb_width, thumb_height, duration_millis, seed)
                values (:jobId, :idx, :key, :mimeType, :width, :height, :bytes, :sha256, :requestId, :model,
                        :thumbKey, :thumbWidth, :thumbHeight, :durationMillis, :seed)
                on conflict (job_id, idx) do update set
                    storage_key = excluded.storage_key, mime_type = excluded.mime_type, width = excluded.width,
                    height = excluded.height, bytes = excluded.bytes, sha256 = excluded.sha256,
                    thumb_key = excluded.thumb_key, thumb_width = excluded.thumb_width, thumb_height = excluded.thumb_height,
                    duration_millis = excluded.duration_millis, seed = excluded.seed""")
                .bind("seed", seed == null ? io.r2dbc.spi.Parameters.in(Long.class) : seed)
                .bind("durationMillis", media.durationMillis() == null ? io.r2dbc.spi.Parameters.in(Long.class) : media.durationMillis())
                .bind("thumbKey", nullable(thumbKey))
                .bind("thumbWidth", thumb == null ? io.r2dbc.spi.Parameters.in(Integer.class) : thumb.width())
                .bind("thumbHeight", thumb == null ? io.r2dbc.spi.Parameters.in(Integer.class) : thumb.height())
                .bind("jobId", jobId)
                .bind("idx", index)
                .bind("key", key)
                .bind("mimeType", media.mimeType())
                .bind("width", media.width())
                .bind("height", media.height())
                .bind("bytes", media.bytes())
                .bind("sha256", media.sha256())
                .bind("requestId", nullable(providerRequestId))
                .bind("model", nullable(model))
                .then().block();
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
}
