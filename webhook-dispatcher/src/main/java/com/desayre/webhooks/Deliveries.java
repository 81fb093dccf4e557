package com.desayre.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The durable schedule: the gateway's {@code webhook_endpoints} (read, and disabled here when failing for days) and
 * {@code webhook_deliveries} (written here). Every state lives in these rows, so a restart loses nothing: a claimed
 * delivery is leased ({@code next_attempt_at} pushed out), and one whose sender died becomes due again when the lease
 * ends.
 */
@Component
class Deliveries {
    private final JdbcClient db;

    Deliveries(JdbcClient db) {
        this.db = db;
    }

    /** A claimed delivery with what sending it needs. */
    record Claimed(UUID id, UUID endpointId, String eventId, String payload, int attempts, Instant createdAt, String url,
                   List<String> secrets) {
    }

    /**
     * One delivery of a job's event to each enabled endpoint that wants it: the owner's endpoints subscribed to the type,
     * and the job's own per-request endpoint (which takes every type). Idempotent: unique on (endpoint, event id), and a job that already
     * has a terminal delivery at an endpoint gets no second one (a late result after a cancel is not sent).
     *
     * @return how many deliveries were made
     */
    int record(String ownerId, UUID jobId, String eventId, String type, String payload) {
        return db.sql("""
                        insert into gateway.webhook_deliveries (id, endpoint_id, event_id, event_type, job_id, payload)
                        select gen_random_uuid(), e.id, :event, :type, :job, :payload from gateway.webhook_endpoints e
                        where e.enabled and ((e.owner = :owner and e.job_id is null and :type = any (e.events)) or e.job_id = :job)
                          and (:type = 'job.started' or not exists (select 1 from gateway.webhook_deliveries d where d.endpoint_id = e.id
                               and d.job_id = :job and d.event_type in ('job.completed', 'job.failed', 'job.cancelled')))
                        on conflict (endpoint_id, event_id) do nothing""")
                .param("event", eventId).param("type", type).param("job", jobId).param("payload", payload).param("owner", ownerId)
                .update();
    }

    /**
     * Claims up to {@code limit} due deliveries, each leased for {@code lease} and counted as an attempt. A delivery
     * waits while an earlier one of the same job to the same endpoint is pending (order per job); a disabled
     * endpoint's wait, except tests.
     */
    List<Claimed> claim(int limit, Duration lease) {
        return db.sql("""
                        with due as (
                            select d.id from gateway.webhook_deliveries d join gateway.webhook_endpoints e on e.id = d.endpoint_id
                            where d.state = 'pending' and d.next_attempt_at <= now() and (e.enabled or d.event_type = 'webhook.test')
                              and not exists (select 1 from gateway.webhook_deliveries p where p.endpoint_id = d.endpoint_id
                                              and p.job_id = d.job_id and p.state = 'pending' and p.seq < d.seq)
                            order by d.next_attempt_at, d.seq limit :limit for update of d skip locked)
                        update gateway.webhook_deliveries d set next_attempt_at = now() + make_interval(secs => :lease),
                               attempts = d.attempts + 1
                        from due, gateway.webhook_endpoints e where d.id = due.id and e.id = d.endpoint_id
                        returning d.id, d.endpoint_id, d.event_id, d.payload, d.attempts, d.created_at, e.url, e.secret,
                                  case when e.previous_secret_until > now() then e.previous_secret end as previous_secret""")
                .param("limit", limit).param("lease", lease.toMillis() / 1000.0)
                .query((rs, n) -> {
                    var secrets = new ArrayList<String>();
                    secrets.add(rs.getString("secret"));
                    if (rs.getString("previous_secret") != null) {
                        secrets.add(rs.getString("previous_secret"));
                    }
                    return new Claimed(rs.getObject("id", UUID.class), rs.getObject("endpoint_id", UUID.class), rs.getString("event_id"),
                            rs.getString("payload"), rs.getInt("attempts"), rs.getTimestamp("created_at").toInstant(), rs.getString("url"),
                            List.copyOf(secrets));
                }).list();
    }

    /** The receiver took it (2xx): the delivery is done and the endpoint's failure streak ends. */
    void delivered(Claimed delivery, int status, long latencyMs, String excerpt) {
        db.sql("update gateway.webhook_deliveries set state = 'delivered', last_attempt_at = now(), response_status = :status, "
                        + "latency_ms = :latency, response_excerpt = :excerpt where id = :id")
                .param("status", status).param("latency", (int) latencyMs).param("excerpt", excerpt).param("id", delivery.id()).update();
        db.sql("update gateway.webhook_endpoints set failing_since = null where id = :id and failing_since is not null")
                .param("id", delivery.endpointId()).update();
    }

    /**
     * An attempt failed: due again at {@code next}, or failed for good ({@code next} null). The endpoint's failure streak
     * starts if it had none; past {@code disableAfter} the endpoint is disabled with the reason its owner sees.
     *
     * @return true when this failure disabled the endpoint
     */
    boolean failed(Claimed delivery, Integer status, Long latencyMs, String excerpt, Instant next, Duration disableAfter) {
        db.sql("update gateway.webhook_deliveries set state = :state, next_attempt_at = coalesce(:next, next_attempt_at), "
                        + "last_attempt_at = now(), response_status = :status, latency_ms = :latency, response_excerpt = :excerpt where id = :id")
                .param("state", next == null ? "failed" : "pending").param("next", next == null ? null : Timestamp.from(next))
                .param("status", status).param("latency", latencyMs == null ? null : latencyMs.intValue()).param("excerpt", excerpt)
                .param("id", delivery.id()).update();
        db.sql("update gateway.webhook_endpoints set failing_since = now() where id = :id and failing_since is null")
                .param("id", delivery.endpointId()).update();
        var last = status != null ? "HTTP " + status : excerpt;
        return db.sql("update gateway.webhook_endpoints set enabled = false, updated_at = now(), disabled_reason = "
                        + "'Deliveries have failed since ' || to_char(failing_since at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC (last: ' "
                        + "|| :last || '). Fix the receiver, then PATCH {\"enabled\": true}.' "
                        + "where id = :id and enabled and failing_since < now() - make_interval(secs => :after)")
                .param("last", last == null ? "no answer" : last.length() > 120 ? last.substring(0, 120) : last)
                .param("id", delivery.endpointId()).param("after", disableAfter.toMillis() / 1000.0).update() > 0;
    }

    /** The endpoint's breaker is open: give the claim back, uncounted, due again at {@code next}. */
    void postpone(Claimed delivery, Instant next) {
        db.sql("update gateway.webhook_deliveries set next_attempt_at = :next, attempts = attempts - 1 where id = :id")
                .param("next", Timestamp.from(next)).param("id", delivery.id()).update();
    }
}
