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

    /** Records a new job; false when the job id is already known (a redelivered record). */
    public boolean insertIfAbsent(EncodedJob job, Duration deadline, Integer partition, Long offset, Long timestamp) {
        var spec = db.sql("insert into " + table + " (job_id, model, job, state, next_at, deadline_at, source_partition,"
                        + " source_offset, source_timestamp, lane) values (:id, :model, :job, 'QUEUED', now(),"
                        + " now() + :deadline * interval '1 millisecond', :partition, :offset, :timestamp, :lane)"
                        + " on conflict (job_id) do nothing")
                .bind("id", job.jobId())
                .bind("lane", job.route().lane() == null ? "INTERACTIVE" : job.route().lane().name())
                .bind("model", job.route().model())
                .bind("job", new String(EventJson.write(job), java.nio.charset.StandardCharsets.UTF_8))
                .bind("deadline", deadline.toMillis());
        spec = partition == null ? spec.bindNull("partition", Integer.class) : spec.bind("partition", partition);
        spec = offset == null ? spec.bindNull("offset", Long.class) : spec.bind("offset", offset);
        spec = timestamp == null ? spec.bindNull("timestamp", Long.class) : spec.bind("timestamp", timestamp);
        return spec.fetch().rowsUpdated().block(TIMEOUT) == 1;
    }

    /**
     * Takes up to {@code limit} due jobs for {@code lease}; a job whose lease ran out is due again.
     * Jobs already at the provider (being polled) come first; jobs waiting to be sent are taken
     * only as many as the provider's queue has places ({@code submitSlots}), interactive before
     * batch, so the first interactive job gets the next free place and the rest keep their turn.
     */
    List<JobRow> claimDue(int limit, Duration lease, int submitSlots, java.util.Set<Priority> lanes) {
        var claimed = new java.util.ArrayList<>(claim("('SUBMITTING', 'POLLING')", limit, lease, null));
        var sendable = Math.min(limit - claimed.size(), submitSlots);
        if (sendable > 0 && !lanes.isEmpty()) {
            // a paused lane's jobs stay queued: only the lanes that may send are claimed
            claimed.addAll(claim("('QUEUED')", sendable, lease, lanes.stream().map(Enum::name).toArray(String[]::new)));
        }
        return claimed;
    }

    private List<JobRow> claim(String states, int limit, Duration lease, String[] lanes) {
        var spec = db.sql("update " + table + " set lease_owner = :owner, lease_until = now() + :lease * interval '1 millisecond',"
                        + " updated_at = now() where job_id in (select job_id from " + table
                        + " where state in " + states + (lanes == null ? "" : " and lane = any(:lanes)")
                        + " and next_at <= now() and (lease_until is null or lease_until < now())"
                        // interactive work first: batch jobs wait while a person is waiting
                        + " order by (lane = 'BATCH'), next_at limit :limit for update skip locked)"
                        + " returning job, state, attempts, polls, parked, provider_id, fetch_url, deadline_at <= now() as overdue,"
                        + " (extract(epoch from deadline_at - now()) * 1000)::bigint as remaining_ms,"
                        + " (extract(epoch from now() - created_at) * 1000)::bigint as age_ms,"
                        + " source_partition, source_offset, source_timestamp, progress,"
                        + " (extract(epoch from now() - coalesce(noticed_at, created_at)) * 1000)::bigint as since_notice_ms,"
                        + " future_links")
                .bind("owner", owner)
                .bind("lease", lease.toMillis())
                .bind("limit", limit);
        if (lanes != null) {
            spec = spec.bind("lanes", lanes);
        }
        return spec.map((row, meta) -> new JobRow(
                        EventJson.read(row.get("job", String.class), EncodedJob.class),
                        JobRow.JobState.valueOf(row.get("state", String.class)),
                        row.get("attempts", Integer.class),
                        row.get("polls", Integer.class),
                        Boolean.TRUE.equals(row.get("parked", Boolean.class)),
                        row.get("provider_id", String.class),
                        row.get("fetch_url", String.class),
                        Boolean.TRUE.equals(row.get("overdue", Boolean.class)),
                        row.get("remaining_ms", Long.class),
                        row.get("age_ms", Long.class),
                        row.get("source_partition", Integer.class),
                        row.get("source_offset", Long.class),
                        row.get("source_timestamp", Long.class),
                        row.get("progress", Integer.class),
                        row.get("since_notice_ms", Long.class),
                        lines(row.get("future_links", String.class))))
                .all().collectList().block(TIMEOUT);
    }

    /** Before a submit goes out: if the worker dies during it, the next owner knows the outcome is unknown. */
    boolean startSubmit(String jobId, int attempt) {
        return update(jobId, "state = 'SUBMITTING', attempts = :attempt, parked = false", Map.of("attempt", attempt), false);
    }

    /** The provider holds the job: keep its id at once, poll after {@code wait}. */
    boolean startPolling(String jobId, String providerId, String fetchUrl, List<String> laterLinks, Duration wait) {
        var values = new HashMap<String, Object>();
        values.put("providerId", providerId);
        values.put("fetchUrl", fetchUrl == null ? "" : fetchUrl);
        values.put("laterLinks", String.join("\n", laterLinks));
        values.put("wait", wait.toMillis());
        return update(jobId, "state = 'POLLING', provider_id = :providerId, fetch_url = :fetchUrl, future_links = :laterLinks,"
                + " parked = false, polls = 0,"
                + " noticed_at = now(),"
                + " next_at = least(now() + :wait * interval '1 millisecond', deadline_at)", values);
    }

    /** One URL per line, as {@link #startPolling} keeps them. */
    private static List<String> lines(String text) {
        return text == null || text.isBlank() ? List.of() : List.of(text.strip().split("\n"));
    }

    /** Looks again after {@code wait}, in the same state; {@code polled} counts a poll. */
    boolean later(String jobId, Duration wait, boolean polled, boolean parked) {
        // never sleep past the deadline: the job must fail on time
        return update(jobId, "next_at = least(now() + :wait * interval '1 millisecond', deadline_at), polls = polls + :polled,"
                + " parked = :parked",
                Map.of("wait", wait.toMillis(), "polled", polled ? 1 : 0, "parked", parked));
    }

    /** Still pending at the provider: poll after {@code wait}; {@code progress} non-null = it was just told. */
    boolean pending(String jobId, Duration wait, Integer progress) {
        if (progress == null) {
            return later(jobId, wait, true, false);
        }
        return update(jobId, "next_at = least(now() + :wait * interval '1 millisecond', deadline_at), polls = polls + 1,"
                + " parked = false, progress = :progress, noticed_at = now()", Map.of("wait", wait.toMillis(), "progress", progress));
    }

    /** A failed attempt: submit again after {@code wait}. */
    boolean retryLater(String jobId, Duration wait, FailureClass failure) {
        return update(jobId, "state = 'QUEUED', next_at = now() + :wait * interval '1 millisecond', failure = :failure",
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
        return db.sql("insert into " + table + " as t (job_id, model, job, state, next_at, deadline_at)"
                        + " values (:id, '', '" + NO_JOB + "', 'CANCELLED', now(), now())"
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
