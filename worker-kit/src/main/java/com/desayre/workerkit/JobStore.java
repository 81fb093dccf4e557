package com.desayre.workerkit;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.EventJson;
import com.desayre.contracts.Priority;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * In-flight jobs in Postgres, one table per worker in the worker's own schema (e.g.
 * {@code image_worker.image_worker_jobs}, migrated by the worker: see its {@code db/} scripts). A
 * worker <em>claims</em> due jobs with a lease ({@code for update skip locked}, so several workers
 * share the table) and every later write checks that it still holds it. Times come from the
 * database clock.
 */
public class JobStore {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String OPEN = "('QUEUED', 'SUBMITTING', 'POLLING')";
    /** A cancel that arrived before its job: a row with no job yet ({@code job = 'null'}). */
    private static final String NO_JOB = "null";

    private final DatabaseClient db;
    private final String table;
    private final String owner;

    /**
     * @param table the worker's table, schema-qualified
     * @param owner this running worker's id: leases name it
     */
    public JobStore(DatabaseClient db, String table, String owner) {
        this.db = db;
        this.table = table;
        this.owner = owner;
    }

    /**
     * A job as its Kafka record brought it: where the record was (its partition, offset and timestamp, for people
     * and the DLQ) and its trace (the job's steps resume it, {@link JobDispatcher}).
     */
    record Arrival(EncodedJob job, int partition, long offset, long timestamp, String traceparent) {
    }

    /**
     * Records a poll's new jobs in one statement, each at the end of its lane's line in the order given; answers the
     * ids that were new (the others were known already: redelivered records, or a cancel that came first). A job has
     * no provider deadline yet: that starts when the provider takes it ({@link #startPolling}). {@code maxWaitSeconds}
     * counts from when the job entered DESAYRE: the encoded job's {@code occurredAt}, never later than now.
     *
     * @param arrivals jobs with distinct ids
     */
    java.util.Set<String> insertIfAbsent(List<Arrival> arrivals) {
        if (arrivals.isEmpty()) {
            return java.util.Set.of();
        }
        int n = arrivals.size();
        var ids = new String[n];
        var models = new String[n];
        var jobs = new String[n];
        var lanes = new String[n];
        var traces = new String[n];
        var occurred = new Long[n];
        var maxWaits = new Integer[n];
        var partitions = new Integer[n];
        var offsets = new Long[n];
        var timestamps = new Long[n];
        for (int i = 0; i < n; i++) {
            var arrival = arrivals.get(i);
            var job = arrival.job();
            var maxWait = job.spec().maxWaitSeconds();
            ids[i] = job.jobId();
            models[i] = job.route().model();
            jobs[i] = new String(EventJson.write(job), java.nio.charset.StandardCharsets.UTF_8);
            lanes[i] = job.route().lane() == null ? "INTERACTIVE" : job.route().lane().name();
            traces[i] = arrival.traceparent() == null ? "" : arrival.traceparent();
            occurred[i] = (job.occurredAt() == null ? java.time.Instant.now() : job.occurredAt()).toEpochMilli();
            maxWaits[i] = maxWait == null ? -1 : Math.max(0, maxWait);
            partitions[i] = arrival.partition();
            offsets[i] = arrival.offset();
            timestamps[i] = arrival.timestamp();
        }
        // one row per array element, in the poll's order: line_at keeps that order (a microsecond apart, none in the
        // future), where one now() for all would leave ties to the job ids; -1 and '' stand for "not known" (null)
        return new java.util.HashSet<>(db.sql("insert into " + table + " (job_id, model, job, state, next_at, line_at, entered_at,"
                        + " wait_until, source_partition, source_offset, source_timestamp, lane, trace_parent)"
                        + " select a.id, a.model, a.job, 'QUEUED', now(), now() - (:n - a.ord) * interval '1 microsecond', e.entered,"
                        + " case when a.max_wait < 0 then null else e.entered + a.max_wait * interval '1 second' end,"
                        + " nullif(a.part, -1), nullif(a.off, -1), nullif(a.ts, -1), a.lane, nullif(a.trace, '')"
                        + " from unnest(:ids::text[], :models::text[], :jobs::text[], :occurred::bigint[], :maxWaits::int[],"
                        + " :partitions::int[], :offsets::bigint[], :timestamps::bigint[], :lanes::text[], :traces::text[])"
                        + " with ordinality as a(id, model, job, occurred, max_wait, part, off, ts, lane, trace, ord)"
                        + " cross join lateral (select least(now(), to_timestamp(a.occurred / 1000.0)) as entered) e"
                        + " on conflict (job_id) do nothing returning job_id")
                .bind("n", n)
                .bind("ids", ids)
                .bind("models", models)
                .bind("jobs", jobs)
                .bind("occurred", occurred)
                .bind("maxWaits", maxWaits)
                .bind("partitions", partitions)
                .bind("offsets", offsets)
                .bind("timestamps", timestamps)
                .bind("lanes", lanes)
                .bind("traces", traces)
                .map((row, meta) -> row.get("job_id", String.class))
                .all().collectList().block(TIMEOUT));
    }

    /**
     * The order of the line for the provider: interactive before batch (batch jobs wait while a
     * person is waiting), then by when the job joined the line ({@code line_at}: when it arrived, or
     * when a retry's backoff ended). Claims and the places told to waiting jobs both use it.
     */
    static final String LINE_ORDER = "(lane = 'BATCH'), line_at, job_id";

    /**
     * Takes up to {@code limit} due jobs for {@code lease}, in one statement; a job whose lease ran out is due again.
     * Jobs already at the provider (being polled) come first; jobs waiting to be sent are taken only as many as the
     * provider's queue has places ({@code submitSlots}) and {@code limit} leaves, in the line's order
     * ({@link #LINE_ORDER}), so the first interactive job gets the next free place and the rest keep their turn.
     * A job whose own limit on waiting has passed is never taken (the line expires it), nor one of a lane not in
     * {@code lanes} (paused, or not known yet). Rows locked by another instance's claim are skipped, never waited
     * for, so instances claiming at once each take different jobs. The rows come back in-flight first, then in line.
     */
    List<JobRow> claimDue(int limit, Duration lease, int submitSlots, java.util.Set<Priority> lanes) {
        var due = "next_at <= now() and (lease_until is null or lease_until < now())";
        var spec = db.sql("with polled as materialized (select job_id from " + table + " where state in ('SUBMITTING', 'POLLING') and "
                        + due + " order by (lane = 'BATCH'), next_at limit :limit for update skip locked),"
                        // a paused lane's jobs stay queued: only the lanes that may send are claimed
                        + " sent as materialized (select job_id from " + table + " where state = 'QUEUED'"
                        + " and (wait_until is null or wait_until > now() or attempts > 0) and lane = any(:lanes) and " + due
                        + " order by " + LINE_ORDER + " limit greatest(0, least(:slots, :limit - (select count(*) from polled)))"
                        + " for update skip locked),"
                        + " claimed as (update " + table + " set lease_owner = :owner, lease_until = now() + :lease * interval '1 millisecond',"
                        + " updated_at = now() where job_id in (select job_id from polled union all select job_id from sent)"
                        + " returning job_id, job, state, attempts, polls, parked, provider_id, fetch_url, lane, line_at, next_at,"
                        + " coalesce(deadline_at <= now(), false) as overdue,"
                        + " (extract(epoch from deadline_at - now()) * 1000)::bigint as remaining_ms,"
                        + " (extract(epoch from now() - created_at) * 1000)::bigint as age_ms,"
                        + " source_partition, source_offset, source_timestamp, progress,"
                        + " (extract(epoch from now() - coalesce(noticed_at, created_at)) * 1000)::bigint as since_notice_ms,"
                        + " future_links,"
                        + " (extract(epoch from now() - coalesce(accepted_at, created_at)) * 1000)::bigint as working_ms,"
                        + " coalesce(provider_keeps_until <= now(), false) as past_retention, late_told, trace_parent)"
                        + " select * from claimed order by (state = 'QUEUED'), (lane = 'BATCH'),"
                        + " case when state = 'QUEUED' then line_at else next_at end, job_id")
                .bind("owner", owner)
                .bind("lease", lease.toMillis())
                .bind("limit", limit)
                .bind("slots", lanes.isEmpty() ? 0 : submitSlots)
                // never an empty array (its element type could not be told): no lane at all matches none
                .bind("lanes", lanes.isEmpty() ? new String[] {""} : lanes.stream().map(Enum::name).toArray(String[]::new));
        return spec.map((row, meta) -> {
                    var remaining = row.get("remaining_ms", Long.class);
                    return new JobRow(
                            EventJson.read(row.get("job", String.class), EncodedJob.class),
                            JobRow.JobState.valueOf(row.get("state", String.class)),
                            row.get("attempts", Integer.class),
                            row.get("polls", Integer.class),
                            Boolean.TRUE.equals(row.get("parked", Boolean.class)),
                            row.get("provider_id", String.class),
                            row.get("fetch_url", String.class),
                            Boolean.TRUE.equals(row.get("overdue", Boolean.class)),
                            remaining == null ? Long.MAX_VALUE : remaining,
                            row.get("age_ms", Long.class),
                            row.get("source_partition", Integer.class),
                            row.get("source_offset", Long.class),
                            row.get("source_timestamp", Long.class),
                            row.get("progress", Integer.class),
                            row.get("since_notice_ms", Long.class),
                            lines(row.get("future_links", String.class)),
                            row.get("working_ms", Long.class),
                            Boolean.TRUE.equals(row.get("past_retention", Boolean.class)),
                            Boolean.TRUE.equals(row.get("late_told", Boolean.class)),
                            row.get("trace_parent", String.class));
                })
                .all().collectList().block(TIMEOUT);
    }

    /** Before a submit goes out: if the worker dies during it, the next owner knows the outcome is unknown. */
    boolean startSubmit(String jobId, int attempt) {
        return update(jobId, "state = 'SUBMITTING', attempts = :attempt, parked = false, sent_at = now()", Map.of("attempt", attempt),
                false);
    }

    /**
     * The provider holds the job: keep its id at once, poll after {@code wait}. Its deadline starts
     * now (time in DESAYRE's line never counts), and so does the provider's {@code retention}: past
     * it the provider keeps no result, so polling stops.
     */
    boolean startPolling(String jobId, String providerId, String fetchUrl, List<String> laterLinks, Duration wait,
                         Duration deadline, Duration retention) {
        var values = new HashMap<String, Object>();
        values.put("providerId", providerId);
        values.put("fetchUrl", fetchUrl == null ? "" : fetchUrl);
        values.put("laterLinks", String.join("\n", laterLinks));
        values.put("wait", wait.toMillis());
        values.put("deadline", deadline.toMillis());
        values.put("retention", retention.toMillis());
        return update(jobId, "state = 'POLLING', provider_id = :providerId, fetch_url = :fetchUrl, future_links = :laterLinks,"
                + " parked = false, polls = 0,"
                + " noticed_at = now(), accepted_at = now(),"
                + " deadline_at = now() + :deadline * interval '1 millisecond',"
                + " provider_keeps_until = now() + :retention * interval '1 millisecond',"
                + " next_at = now() + least(:wait, :deadline) * interval '1 millisecond'", values);
    }

    /** The user was told the job takes longer than usual: once. Keeps the lease (the poll goes on). */
    boolean markLate(String jobId) {
        return update(jobId, "late_told = true", Map.of(), false);
    }

    /**
     * {@code next_at} after {@code :wait}, but never past a deadline still to come, so the user is
     * told on time that the job is late, nor past the provider's retention, so it ends on time.
     */
    private static final String NEXT_AT = "next_at = least(now() + :wait * interval '1 millisecond',"
            + " case when deadline_at > now() then deadline_at end, provider_keeps_until)";

    /** One URL per line, as {@link #startPolling} keeps them. */
    private static List<String> lines(String text) {
        return text == null || text.isBlank() ? List.of() : List.of(text.strip().split("\n"));
    }

    /** Looks again after {@code wait}, in the same state; {@code polled} counts a poll. */
    boolean later(String jobId, Duration wait, boolean polled, boolean parked) {
        return update(jobId, NEXT_AT + ", polls = polls + :polled, parked = :parked",
                Map.of("wait", wait.toMillis(), "polled", polled ? 1 : 0, "parked", parked));
    }

    /** Still pending at the provider: poll after {@code wait}; {@code progress} non-null = it was just told. */
    boolean pending(String jobId, Duration wait, Integer progress) {
        if (progress == null) {
            return later(jobId, wait, true, false);
        }
        return update(jobId, NEXT_AT + ", polls = polls + 1, parked = false, progress = :progress, noticed_at = now()", Map.of("wait", wait.toMillis(), "progress", progress));
    }

    /** A failed attempt: submit again after {@code wait}, joining the line again then. */
    boolean retryLater(String jobId, Duration wait, FailureClass failure) {
        return update(jobId, "state = 'QUEUED', next_at = now() + :wait * interval '1 millisecond', line_at = now() + :wait * interval"
                + " '1 millisecond', failure = :failure",
                Map.of("wait", wait.toMillis(), "failure", failure.name()));
    }

    boolean done(String jobId) {
        return update(jobId, "state = 'DONE'", Map.of());
    }

    boolean failed(String jobId, String errorCode, String failure) {
        return update(jobId, "state = 'FAILED', error_code = :code, failure = :failure",
                Map.of("code", errorCode, "failure", failure == null ? "" : failure));
    }

    /**
     * Cancels a job that is not finished, whoever holds it: a step under way loses its lease, so
     * none of its later writes land. A job not known yet gets a row that keeps it from ever
     * starting. Returns the cancelled job's JSON ({@code "null"} for a job not known yet), or empty
     * when the job had already ended.
     */
    java.util.Optional<String> cancel(String jobId) {
        return db.sql("insert into " + table + " as t (job_id, model, job, state, next_at)"
                        + " values (:id, '', '" + NO_JOB + "', 'CANCELLED', now())"
                        + " on conflict (job_id) do update set state = 'CANCELLED', lease_owner = null, lease_until = null,"
                        + " updated_at = now() where t.state in " + OPEN + " returning t.job")
                .bind("id", jobId)
                .map((row, meta) -> row.get("job", String.class))
                .one().blockOptional(TIMEOUT);
    }

    /** The job of a cancel that came first: stores it (for the user's CANCELLED status) once; false otherwise. */
    boolean adoptCancelled(EncodedJob job) {
        return db.sql("update " + table + " set job = :job, model = :model, updated_at = now() where job_id = :id"
                        + " and state = 'CANCELLED' and job = '" + NO_JOB + "'")
                .bind("id", job.jobId())
                .bind("model", job.route().model())
                .bind("job", new String(EventJson.write(job), java.nio.charset.StandardCharsets.UTF_8))
                .fetch().rowsUpdated().block(TIMEOUT) == 1;
    }

    /** Gives back this worker's leases (on a clean stop), except on submits whose outcome is unknown. */
    long releaseLeases() {
        return db.sql("update " + table + " set lease_owner = null, lease_until = null where lease_owner = :owner"
                        + " and state <> 'SUBMITTING'")
                .bind("owner", owner).fetch().rowsUpdated().blockOptional(TIMEOUT).orElse(0L);
    }

    /** Of {@code jobIds}, those still at the provider, or in a step of this instance (about to be sent). */
    java.util.Set<String> stillAtProvider(java.util.Set<String> jobIds) {
        return new java.util.HashSet<>(db.sql("select job_id from " + table + " where job_id = any(:ids)"
                        + " and (state in ('SUBMITTING', 'POLLING') or lease_owner = :owner)")
                .bind("ids", jobIds.toArray(String[]::new))
                .bind("owner", owner)
                .map((row, meta) -> row.get("job_id", String.class))
                .all().collectList().block(TIMEOUT));
    }

    /** Jobs not finished, per model. */
    Map<String, Long> openByModel() {
        var counts = new HashMap<String, Long>();
        db.sql("select model, count(*) as n from " + table + " where state in " + OPEN + " group by model")
                .map((row, meta) -> Map.entry(row.get("model", String.class), row.get("n", Long.class)))
                .all().toIterable().forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    /** Jobs waiting to be sent, per lane (every instance's: the queue is shared). */
    Map<Priority, Long> waitingByLane() {
        var counts = new java.util.EnumMap<Priority, Long>(Priority.class);
        db.sql("select lane, count(*) as n from " + table + " where state = 'QUEUED' group by lane")
                .map((row, meta) -> Map.entry(row.get("lane", String.class), row.get("n", Long.class)))
                .all().toIterable().forEach(e -> counts.put(Priority.valueOf(e.getKey()), e.getValue()));
        return counts;
    }

    // ---- the line for the provider ---------------------------------------------------------------

    /**
     * A waiting job's place in line.
     *
     * @param position  its place among the waiting jobs of its model and lane, from 1
     * @param overall   its place in the whole line of this worker service (every model and lane share
     *                  the provider's places), from 1: what its ETA counts
     * @param waitedMs  time since it entered DESAYRE
     */
    /** @param traceParent the job's trace, which its WAITING and EXPIRED_IN_QUEUE notices carry; or null */
    record Place(EncodedJob job, Priority lane, int position, long overall, long waitedMs, String traceParent) {
    }

    /**
     * Every waiting job's place, per model and lane and overall, in {@link #LINE_ORDER}. A job whose
     * retry is not due yet is not in line: it joins at the end when its backoff ends.
     */
    private String line() {
        return "line as (select job_id,"
                + " row_number() over (partition by model, lane order by line_at, job_id) as position,"
                + " row_number() over (order by " + LINE_ORDER + ") as overall"
                + " from " + table + " where state = 'QUEUED' and line_at <= now())";
    }

    /**
     * Ends the waiting jobs whose own limit on waiting ({@code maxWaitSeconds}) has passed and that were
     * never sent: FAILED / EXPIRED_IN_QUEUE. A job held by a step (being sent right now) is left alone:
     * it was taken in time. Several instances may run this at once; a row ends once.
     */
    List<Place> expireWaits() {
        return db.sql("with " + line() + " update " + table + " t set state = 'FAILED', error_code = '"
                        + com.desayre.contracts.JobError.EXPIRED_IN_QUEUE + "', failure = 'EXPIRED_IN_QUEUE',"
                        + " lease_owner = null, lease_until = null, updated_at = now() from line where t.job_id = line.job_id"
                        + " and t.state = 'QUEUED' and t.attempts = 0 and t.wait_until <= now()"
                        + " and (t.lease_until is null or t.lease_until < now())"
                        + " returning t.job, t.lane, line.position, line.overall, t.trace_parent,"
                        + " (extract(epoch from now() - coalesce(t.entered_at, t.created_at)) * 1000)::bigint as waited_ms")
                .map((row, meta) -> place(row))
                .all().collectList().block(TIMEOUT);
    }

    /**
     * The waiting jobs to tell their place now, each marked told (so with several instances only one
     * tells a given change): a job new to the line at once; then only when its place changed, at most
     * every {@code every}, and, far back in a long line, every 6 × {@code every} unless it moved a
     * tenth of the way or is among the first {@code near}. A job held by a step (being sent) is skipped,
     * and so is one in line for less than {@code grace}: it is sent at the dispatcher's next look if a
     * place is free, and telling it that it waits would only be noise.
     */
    List<Place> placesToTell(Duration every, int near, Duration grace) {
        return db.sql("with " + line() + " update " + table + " t set queue_position = line.position, queue_told_at = now()"
                        + " from line where t.job_id = line.job_id and t.state = 'QUEUED'"
                        + " and (t.lease_until is null or t.lease_until < now())"
                        + " and t.line_at <= now() - :grace * interval '1 millisecond'"
                        + " and t.queue_position is distinct from line.position"
                        + " and (t.queue_told_at is null or t.queue_told_at <= now() - :every * interval '1 millisecond'"
                        + " and (line.position <= :near or abs(t.queue_position - line.position) * 10 >= t.queue_position"
                        + " or t.queue_told_at <= now() - 6 * :every * interval '1 millisecond'))"
                        + " returning t.job, t.lane, line.position, line.overall, t.trace_parent,"
                        + " (extract(epoch from now() - coalesce(t.entered_at, t.created_at)) * 1000)::bigint as waited_ms")
                .bind("every", every.toMillis())
                .bind("near", near)
                .bind("grace", grace.toMillis())
                .map((row, meta) -> place(row))
                .all().collectList().block(TIMEOUT);
    }

    private static Place place(io.r2dbc.spi.Readable row) {
        return new Place(EventJson.read(row.get("job", String.class), EncodedJob.class),
                Priority.valueOf(row.get("lane", String.class)),
                row.get("position", Long.class).intValue(),
                row.get("overall", Long.class),
                row.get("waited_ms", Long.class),
                row.get("trace_parent", String.class));
    }

    /**
     * How fast the line moves, from every instance's jobs: those at the provider now, and how long
     * the provider held each of the last (up to 50, in 10 minutes) it finished.
     *
     * @param atProvider    jobs at the provider now (being sent or polled)
     * @param meanHeldMs    mean time from send to finished of the recent ones, or null when none finished lately
     */
    record Pace(long atProvider, Double meanHeldMs) {
    }

    Pace pace() {
        return db.sql("select (select count(*) from " + table + " where state in ('SUBMITTING', 'POLLING')) as at_provider,"
                        + " (select avg(extract(epoch from updated_at - sent_at) * 1000) from (select updated_at, sent_at from "
                        + table + " where state = 'DONE' and sent_at is not null and updated_at > now() - interval '10 minutes'"
                        + " order by updated_at desc limit 50) recent) as mean_held_ms")
                .map((row, meta) -> {
                    var mean = row.get("mean_held_ms", java.math.BigDecimal.class);
                    return new Pace(row.get("at_provider", Long.class), mean == null ? null : mean.doubleValue());
                })
                .one().block(TIMEOUT);
    }

    /** This running worker's id, as its leases name it. */
    String owner() {
        return owner;
    }

    /** Forgets finished jobs older than {@code retention}. */
    long purgeFinished(Duration retention) {
        return db.sql("delete from " + table + " where state in ('DONE', 'FAILED', 'CANCELLED') and updated_at < now() - :keep * interval '1 millisecond'")
                .bind("keep", retention.toMillis()).fetch().rowsUpdated().blockOptional(TIMEOUT).orElse(0L);
    }

    private boolean update(String jobId, String set, Map<String, Object> values) {
        return update(jobId, set, values, true);
    }

    /** Writes only while this worker holds the job's lease; {@code release} gives the lease back. */
    private boolean update(String jobId, String set, Map<String, Object> values, boolean release) {
        var spec = db.sql("update " + table + " set " + set + (release ? ", lease_owner = null, lease_until = null" : "")
                        + ", updated_at = now() where job_id = :id and lease_owner = :owner")
                .bind("id", jobId)
                .bind("owner", owner);
        for (var value : values.entrySet()) {
            spec = spec.bind(value.getKey(), value.getValue());
        }
        return spec.fetch().rowsUpdated().block(TIMEOUT) == 1;
    }
}
