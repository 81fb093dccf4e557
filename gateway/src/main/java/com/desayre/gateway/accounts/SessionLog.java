package com.desayre.gateway.accounts;

import com.desayre.contracts.RequestRules;
import com.desayre.gateway.web.ApiProblem;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The sessions each user has open, so they can see them and end one they do not recognise
 * ({@code gateway.sessions}). Tokens stay self-contained JWTs: this is a record beside them, never read to
 * authenticate. Ending a session here is a {@link Revocations} session revocation written in the same
 * transaction, which is what stops its tokens.
 *
 * <p>A session is open while its newest token lives, nobody ended it, and it was issued under the user's
 * current session epoch (a password change or a disable ends them all without touching these rows).
 * "Last seen" is written at most once a minute per session and instance, off the request's path, like an API
 * key's "last used".
 */
@Component
class SessionLog {
    static final int MAX_USER_AGENT = 300;

    private static final Logger log = LoggerFactory.getLogger(SessionLog.class);
    private static final long TOUCH_EVERY_MS = 60_000;
    private static final int TOUCHED_LIMIT = 10_000;
    private static final String OPEN = "s.username = :username and s.ended_at is null and s.expires_at > now() "
            + "and s.epoch = (select session_epoch from gateway.users u where u.username = s.username)";

    private final DatabaseClient db;
    private final Revocations revocations;
    private final TransactionalOperator tx;
    private final Map<String, Long> lastTouched = new ConcurrentHashMap<>();

    SessionLog(DatabaseClient db, Revocations revocations, ReactiveTransactionManager transactions) {
        this.db = db;
        this.revocations = revocations;
        this.tx = TransactionalOperator.create(transactions);
    }

    /** An open session as its owner sees it ({@code id} is the session's id, {@code sid} in its tokens). */
    @Schema(name = "OpenSession")
    record OpenSession(String id,
                       @Schema(nullable = true, description = "The User-Agent header of the sign-in (cut to 300 characters)") String userAgent,
                       Instant createdAt, Instant lastSeenAt, Instant expiresAt,
                       @Schema(description = "The session this request was made with") boolean current) {
    }

    /** A session began (sign-in, or the fresh session a password change answers). Old ended rows of the user go. */
    Mono<Void> opened(String sid, String username, int epoch, String userAgent, Instant expiresAt) {
        var insert = db.sql("insert into gateway.sessions (sid, username, epoch, user_agent, expires_at) "
                        + "values (:sid, :username, :epoch, :agent, :expires)")
                .bind("sid", sid).bind("username", username).bind("epoch", epoch).bind("expires", expiresAt);
        var agent = cleanUserAgent(userAgent);
        insert = agent == null ? insert.bindNull("agent", String.class) : insert.bind("agent", agent);
        var prune = db.sql("delete from gateway.sessions where username = :username and expires_at < now() - interval '1 day'")
                .bind("username", username);
        return insert.then().then(prune.then());
    }

    /** A request of the session: last seen now, and its newest token's expiry (at most once a minute per instance). */
    void seen(String sid, Instant tokenExpiresAt) {
        var now = System.currentTimeMillis();
        var previous = lastTouched.get(sid);
        if (previous != null && now - previous < TOUCH_EVERY_MS) {
            return;
        }
        if (lastTouched.size() >= TOUCHED_LIMIT) {
            lastTouched.clear();
        }
        lastTouched.put(sid, now);
        db.sql("update gateway.sessions set last_seen_at = now(), expires_at = greatest(expires_at, :expires) where sid = :sid")
                .bind("sid", sid).bind("expires", tokenExpiresAt).then()
                .subscribeOn(Schedulers.parallel())
                .subscribe(null, e -> log.warn("Could not record when a session was last seen: {}", e.toString()));
    }

    /** A renewal gave the session a token that lives longer. */
    void renewed(String sid, Instant expiresAt) {
        lastTouched.remove(sid);
        seen(sid, expiresAt);
    }

    /** The user's open sessions, newest first; {@code currentSid} (null with an API key) is marked. */
    Flux<OpenSession> open(String username, String currentSid) {
        return db.sql("select sid, user_agent, created_at, last_seen_at, expires_at from gateway.sessions s where " + OPEN
                        + " order by created_at desc, sid limit 200")
                .bind("username", username)
                .map(row -> new OpenSession(row.get("sid", String.class), row.get("user_agent", String.class),
                        row.get("created_at", Instant.class), row.get("last_seen_at", Instant.class),
                        row.get("expires_at", Instant.class), row.get("sid", String.class).equals(currentSid)))
                .all();
    }

    /** Signed out: the row says so (the revocation that stops its tokens is the caller's). */
    Mono<Void> ended(String sid) {
        return db.sql("update gateway.sessions set ended_at = now() where sid = :sid and ended_at is null").bind("sid", sid).then();
    }

    /** Ends one of the user's open sessions: 404 when they have no such open session. */
    Mono<Void> end(String username, String sid) {
        var change = db.sql("update gateway.sessions s set ended_at = now() where s.sid = :sid and " + OPEN)
                .bind("sid", sid).bind("username", username)
                .fetch().rowsUpdated()
                .flatMap(rows -> rows == 0
                        ? Mono.<Revocations.Revocation>error(ApiProblem.notFound("You have no open session '" + sid + "'."))
                        : revocations.record(Revocations.Kind.SESSION, sid));
        return tx.transactional(change).doOnNext(revocations::apply).then();
    }

    /** Ends every open session of the user but {@code keepSid}; answers how many ended. */
    Mono<Long> endOthers(String username, String keepSid) {
        var change = db.sql("update gateway.sessions s set ended_at = now() where s.sid <> :keep and " + OPEN + " returning s.sid")
                .bind("keep", keepSid).bind("username", username)
                .map(row -> row.get("sid", String.class)).all()
                .concatMap(sid -> revocations.record(Revocations.Kind.SESSION, sid))
                .collectList();
        return tx.transactional(change).map(ended -> {
            ended.forEach(revocations::apply);
            return (long) ended.size();
        });
    }

    /** What a User-Agent header may leave in the list: no control characters, at most 300 characters. */
    static String cleanUserAgent(String header) {
        if (header == null) {
            return null;
        }
        var builder = new StringBuilder();
        header.codePoints().filter(c -> !RequestRules.hasControl(Character.toString(c), false)).forEach(builder::appendCodePoint);
        var clean = builder.toString().strip();
        if (clean.isEmpty()) {
            return null;
        }
        return clean.length() > MAX_USER_AGENT ? clean.substring(0, MAX_USER_AGENT) : clean;
    }
}
