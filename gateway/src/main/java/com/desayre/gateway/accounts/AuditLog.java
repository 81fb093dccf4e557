package com.desayre.gateway.accounts;

import java.time.Instant;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log of admin actions: who did what to whom, and when ({@code gateway.audit_log}).
 * Called inside the transaction of the change it records, so a change and its entry are
 * written together or not at all. Never put secrets in {@code detail}.
 */
@Component
public class AuditLog {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DatabaseClient db;

    AuditLog(DatabaseClient db) {
        this.db = db;
    }

    /** One entry; {@code detail} is a small JSON object of non-secret facts (e.g. the new role). */
    public Mono<Void> record(String actor, String action, String target, Map<String, ?> detail) {
        var spec = db.sql("insert into gateway.audit_log (actor, action, target, detail) values (:actor, :action, :target, cast(:detail as jsonb))")
                .bind("actor", actor)
                .bind("action", action)
                .bind("detail", JSON.writeValueAsString(detail));
        spec = target == null ? spec.bindNull("target", String.class) : spec.bind("target", target);
        return spec.then();
    }

    /**
     * Newest first; {@code before} (an entry id) pages back. {@code user} (when not null) keeps the entries that user did
     * or that were done to them; {@code action} keeps the actions that start with it ({@code user.} finds every user change).
     */
    public Flux<Entry> recent(int limit, Long before, String user, String action) {
        var spec = db.sql("select id, at, actor, action, target, detail::text as detail from gateway.audit_log "
                        + "where (cast(:before as bigint) is null or id < cast(:before as bigint)) "
                        + "and (cast(:user as text) is null or actor = cast(:user as text) or target = cast(:user as text)) "
                        + "and (cast(:action as text) is null or starts_with(action, cast(:action as text))) "
                        + "order by id desc limit :limit")
                .bind("limit", limit);
        spec = before == null ? spec.bindNull("before", Long.class) : spec.bind("before", before);
        spec = user == null ? spec.bindNull("user", String.class) : spec.bind("user", user);
        spec = action == null ? spec.bindNull("action", String.class) : spec.bind("action", action);
        return spec.map(row -> new Entry(row.get("id", Long.class), row.get("at", Instant.class), row.get("actor", String.class),
                        row.get("action", String.class), row.get("target", String.class),
                        JSON.readValue(row.get("detail", String.class), Map.class)))
                .all();
    }

    public record Entry(long id, Instant at, String actor, String action, String target, Map<?, ?> detail) {
    }
}
