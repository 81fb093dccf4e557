package com.desayre.gateway.accounts;

import com.desayre.gateway.web.ApiProblem;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Users and roles in {@code gateway.users}. Every admin change is written together with its
 * audit entry in one transaction. {@link #state} is what each authenticated request checks
 * (role, enabled, session epoch), cached briefly per instance and dropped here on every change; each
 * change also records a user revocation ({@link Revocations}) in its transaction, so every other
 * instance drops it too, and ends the user's event streams the change concerns, within a poll.
 */
@Component
public class Accounts {
    static final String SYSTEM = "system";
    private static final int STATE_CACHE_LIMIT = 10_000;
    private static final String COLUMNS = "username, password_hash, role, enabled, session_epoch, created_at, created_by, last_login_at";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final AuditLog audit;
    private final long stateTtlNanos;
    private final Map<String, CachedState> states = new ConcurrentHashMap<>();
    private final AccountDirectory directory;
    private final Revocations revocations;

    Accounts(DatabaseClient db, ReactiveTransactionManager transactions, AuditLog audit, AuthSettings settings,
             AccountDirectory directory, Revocations revocations) {
        this.directory = directory;
        this.revocations = revocations;
        // a change made on another instance applies here within a revocation poll, not the cache's TTL
        revocations.onRevoked(Revocations.Kind.USER, states::remove);
        this.db = db;
        this.tx = TransactionalOperator.create(transactions);
        this.audit = audit;
        this.stateTtlNanos = settings.userCacheTtl().toNanos();
    }

    /** A user row. Holds the password hash: never log it or send it out (see {@link #toString}). */
    public record Account(String username, String passwordHash, String role, boolean enabled, int sessionEpoch, Instant createdAt,
                   String createdBy, Instant lastLoginAt) {
        public UserView view() {
            return new UserView(username, role, enabled, createdAt, createdBy, lastLoginAt);
        }

        boolean admin() {
            return AccountRules.ADMIN.equals(role);
        }

        @Override
        public String toString() {
            return "Account[" + username + ", " + role + (enabled ? "" : ", disabled") + "]";
        }
    }

    /** What the API shows of a user. */
    public record UserView(String username, String role, boolean enabled, Instant createdAt, @Schema(nullable = true) String createdBy,
                           @Schema(nullable = true, description = "null until the user first signs in") Instant lastLoginAt) {
    }

    /** What an authenticated request needs to know about its user, now. */
    record UserState(String role, boolean enabled, int sessionEpoch) {
        boolean admin() {
            return AccountRules.ADMIN.equals(role);
        }
    }

    private record CachedState(UserState state, long loadedAt) {
    }

    public Mono<Account> find(String username) {
        return db.sql("select " + COLUMNS + " from gateway.users where username = :username")
                .bind("username", username).map(Accounts::account).one();
    }

    /** The user's role and status, at most {@code desayre.auth.user-cache-ttl} old; empty for no such user. */
    Mono<UserState> state(String username) {
        var cached = states.get(username);
        if (cached != null && System.nanoTime() - cached.loadedAt() < stateTtlNanos) {
            return Mono.just(cached.state());
        }
        return db.sql("select role, enabled, session_epoch from gateway.users where username = :username")
                .bind("username", username)
                .map(row -> new UserState(row.get("role", String.class), Boolean.TRUE.equals(row.get("enabled", Boolean.class)),
                        row.get("session_epoch", Integer.class)))
                .one()
                .doOnNext(state -> {
                    if (states.size() >= STATE_CACHE_LIMIT) {
                        states.clear();
                    }
                    states.put(username, new CachedState(state, System.nanoTime()));
                });
    }

    public Flux<UserView> list() {
        return db.sql("select " + COLUMNS + " from gateway.users order by username").map(Accounts::account).all().map(Account::view);
    }

    /** A new user; 409 if the username is taken. */
    public Mono<UserView> create(String actor, String username, String passwordHash, String role) {
        var insert = db.sql("insert into gateway.users (username, password_hash, role, created_by) values (:username, :hash, :role, :actor) "
                        + "on conflict (username) do nothing returning " + COLUMNS)
                .bind("username", username).bind("hash", passwordHash).bind("role", role).bind("actor", actor)
                .map(Accounts::account).one()
                .switchIfEmpty(Mono.error(() -> new ApiProblem(HttpStatus.CONFLICT, "username-taken", "Username taken",
                        "There is already a user called '" + username + "' (usernames are never reused; enable the old account "
                                + "instead).", Map.of())))
                .flatMap(account -> audit.record(actor, "user.create", username, Map.of("role", role)).thenReturn(account.view()));
        return tx.transactional(insert).doFinally(signal -> states.remove(username))
                .flatMap(view -> directory.tell(view.username(), view.enabled()).thenReturn(view));
    }

    /**
     * Changes the role and/or enabled flag ({@code null} = leave as is). Refuses to leave no
     * enabled admin. Disabling bumps the session epoch, so the user's tokens stop working.
     */
    public Mono<UserView> update(String actor, String username, String role, Boolean enabled) {
        var recorded = new AtomicReference<Revocations.Revocation>();
        var change = lockedAdmins().collectList().flatMap(admins -> lockedUser(username).flatMap(current -> {
            var newRole = role == null ? current.role() : role;
            var newEnabled = enabled == null ? current.enabled() : enabled;
            if (newRole.equals(current.role()) && newEnabled == current.enabled()) {
                return Mono.just(current.view());
            }
            var losesAdmin = current.admin() && current.enabled() && !(AccountRules.ADMIN.equals(newRole) && newEnabled);
            if (losesAdmin && admins.stream().noneMatch(other -> !other.equals(username))) {
                return Mono.error(new ApiProblem(HttpStatus.CONFLICT, "last-admin", "Last admin",
                        "'" + username + "' is the only enabled admin: make someone else an admin first.", Map.of()));
            }
            var disabling = current.enabled() && !newEnabled;
            var entries = new ArrayList<Mono<Void>>();
            if (!newRole.equals(current.role())) {
                entries.add(audit.record(actor, "user.role", username, Map.of("from", current.role(), "to", newRole)));
            }
            if (newEnabled != current.enabled()) {
                entries.add(audit.record(actor, newEnabled ? "user.enable" : "user.disable", username, Map.of()));
            }
            return db.sql("update gateway.users set role = :role, enabled = :enabled, session_epoch = session_epoch + :bump, "
                            + "updated_at = now() where username = :username returning " + COLUMNS)
                    .bind("role", newRole).bind("enabled", newEnabled).bind("bump", disabling ? 1 : 0).bind("username", username)
                    .map(Accounts::account).one()
                    .flatMap(updated -> Flux.concat(entries).then(revocations.record(Revocations.Kind.USER, username))
                            .doOnNext(recorded::set).thenReturn(updated.view()));
        }));
        return tx.transactional(change).doFinally(signal -> states.remove(username))
                .doOnNext(view -> revocations.apply(recorded.get()))
                .flatMap(view -> directory.tell(view.username(), view.enabled()).thenReturn(view));
    }

    /**
     * Sets a new password hash and bumps the session epoch, ending every session of the user.
     * {@code action} names it in the audit log ({@code user.password-reset}, {@code password.change}).
     */
    public Mono<Account> setPassword(String actor, String username, String passwordHash, String action) {
        var recorded = new AtomicReference<Revocations.Revocation>();
        var change = db.sql("update gateway.users set password_hash = :hash, session_epoch = session_epoch + 1, updated_at = now() "
                        + "where username = :username returning " + COLUMNS)
                .bind("hash", passwordHash).bind("username", username)
                .map(Accounts::account).one()
                .switchIfEmpty(Mono.error(() -> noSuchUser(username)))
                .flatMap(account -> audit.record(actor, action, username, Map.of())
                        .then(revocations.record(Revocations.Kind.USER, username)).doOnNext(recorded::set).thenReturn(account));
        return tx.transactional(change).doFinally(signal -> states.remove(username))
                .doOnNext(account -> revocations.apply(recorded.get()));
    }

    Mono<Void> touchLogin(String username) {
        return db.sql("update gateway.users set last_login_at = now() where username = :username").bind("username", username).then();
    }

    /** Creates the bootstrap admin if missing; true if it was created. */
    Mono<Boolean> createBootstrapAdmin(String username, String passwordHash) {
        var insert = db.sql("insert into gateway.users (username, password_hash, role, created_by) values (:username, :hash, 'admin', :actor) "
                        + "on conflict (username) do nothing")
                .bind("username", username).bind("hash", passwordHash).bind("actor", SYSTEM)
                .fetch().rowsUpdated()
                .flatMap(rows -> rows == 0 ? Mono.just(false)
                        : audit.record(SYSTEM, "user.create", username, Map.of("role", AccountRules.ADMIN, "bootstrap", true)).thenReturn(true));
        // the gateway's start writes every account to generation.accounts (AccountDirectory), this one too
        return tx.transactional(insert).doFinally(signal -> states.remove(username));
    }

    /** Brings an existing bootstrap admin in line with the configuration: the password (if given) and the admin role. */
    Mono<Void> alignBootstrapAdmin(String username, String newPasswordHash, boolean makeAdmin) {
        var steps = new ArrayList<Mono<Void>>();
        if (newPasswordHash != null) {
            steps.add(db.sql("update gateway.users set password_hash = :hash, session_epoch = session_epoch + 1, updated_at = now() "
                    + "where username = :username").bind("hash", newPasswordHash).bind("username", username).then());
            steps.add(audit.record(SYSTEM, "user.password-reset", username, Map.of("bootstrap", true)));
        }
        if (makeAdmin) {
            steps.add(db.sql("update gateway.users set role = 'admin', updated_at = now() where username = :username")
                    .bind("username", username).then());
            var detail = new LinkedHashMap<String, Object>();
            detail.put("to", AccountRules.ADMIN);
            detail.put("bootstrap", true);
            steps.add(audit.record(SYSTEM, "user.role", username, detail));
        }
        // every instance reads it within a poll (this one too): sessions under the old password end, caches are dropped
        steps.add(revocations.record(Revocations.Kind.USER, username).then());
        return tx.transactional(Flux.concat(steps).then()).doFinally(signal -> states.remove(username));
    }

    public static ApiProblem noSuchUser(String username) {
        return ApiProblem.notFound("There is no user called '" + username + "'.");
    }

    private Flux<String> lockedAdmins() {
        return db.sql("select username from gateway.users where role = 'admin' and enabled order by username for update")
                .map(row -> row.get("username", String.class)).all();
    }

    private Mono<Account> lockedUser(String username) {
        return db.sql("select " + COLUMNS + " from gateway.users where username = :username for update")
                .bind("username", username).map(Accounts::account).one()
                .switchIfEmpty(Mono.error(() -> noSuchUser(username)));
    }

    private static Account account(io.r2dbc.spi.Readable row) {
        return new Account(row.get("username", String.class), row.get("password_hash", String.class), row.get("role", String.class),
                Boolean.TRUE.equals(row.get("enabled", Boolean.class)), row.get("session_epoch", Integer.class),
                row.get("created_at", Instant.class), row.get("created_by", String.class), row.get("last_login_at", Instant.class));
    }
}
