package com.desayre.gateway.accounts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Ends an event stream when the credential it was opened with stops being good: its session signed
 * out, its API key revoked, or its user's password changed, account disabled or role changed (on any
 * instance: {@link Revocations} carries it here within a poll), and also when this instance can no
 * longer tell (its revocations went stale). The last event, {@value #EVENT}, says why
 * ({@code {"reason", "detail"}}); the stream then ends cleanly. A client that still holds a good
 * credential (a role change) simply reconnects.
 */
@Component
public class SignedOutStreams {
    static final String EVENT = "signed-out";

    private final Revocations revocations;
    private final Accounts accounts;

    SignedOutStreams(Revocations revocations, Accounts accounts) {
        this.revocations = revocations;
        this.accounts = accounts;
    }

    /** {@code events} until the credential of {@code authentication} is revoked, then the {@value #EVENT} event. */
    public Flux<ServerSentEvent<?>> endWhenRevoked(Flux<? extends ServerSentEvent<?>> events, Authentication authentication) {
        Flux<ServerSentEvent<?>> typed = events.map(event -> event);
        if (!(authentication instanceof DesayreAuthentication signedIn) || signedIn.kind() == DesayreAuthentication.Kind.WORKER_SECRET) {
            return typed;
        }
        return Flux.defer(() -> {
            var why = new AtomicReference<Reason>();
            return typed.takeUntilOther(ended(signedIn).doOnNext(why::set))
                    .concatWith(Mono.fromSupplier(() -> why.get() == null ? null : lastEvent(why.get())));
        });
    }

    enum Reason {
        SIGNED_OUT("This session was signed out."),
        API_KEY_REVOKED("The API key this stream was opened with was revoked."),
        SESSION_ENDED("This session ended because the password changed or the account was disabled."),
        DISABLED("This account was disabled."),
        ROLE_CHANGED("This account's role changed: reconnect to get the events the new role may see."),
        UNVERIFIABLE("Whether this credential was revoked cannot be checked just now: reconnect in a few seconds.");

        final String detail;

        Reason(String detail) {
            this.detail = detail;
        }

        String code() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** The first reason this credential stops being good; never completes empty while the credential stays good. */
    private Mono<Reason> ended(DesayreAuthentication signedIn) {
        var username = signedIn.user().id();
        var session = signedIn.kind() == DesayreAuthentication.Kind.SESSION;
        var sid = session ? signedIn.sessionToken().getClaimAsString(Sessions.SESSION_ID) : null;
        var revoked = revocations.events().concatMap(revocation -> switch (revocation.kind()) {
            case SESSION -> session && revocation.subject().equals(sid) ? Mono.just(Reason.SIGNED_OUT) : Mono.<Reason>empty();
            case API_KEY -> !session && revocation.subject().equals(signedIn.apiKeyId()) ? Mono.just(Reason.API_KEY_REVOKED)
                    : Mono.<Reason>empty();
            case USER -> revocation.subject().equals(username) ? changed(signedIn) : Mono.<Reason>empty();
        });
        // subscribed after the live revocations, so one applied while this stream was being set up is not missed
        var already = Mono.fromSupplier(() -> revocations.stale() ? Reason.UNVERIFIABLE
                : session && revocations.isRevoked(Revocations.Kind.SESSION, sid) ? Reason.SIGNED_OUT
                : !session && revocations.isRevoked(Revocations.Kind.API_KEY, signedIn.apiKeyId()) ? Reason.API_KEY_REVOKED
                : null);
        return Flux.merge(revoked, revocations.staleSignals().map(at -> Reason.UNVERIFIABLE), already).next();
    }

    /** What a change to the user means for this stream, from the user's row as it is now (the cache was just dropped). */
    private Mono<Reason> changed(DesayreAuthentication signedIn) {
        return accounts.state(signedIn.user().id())
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(found -> Mono.justOrEmpty(verdict(found.orElse(null), signedIn)))
                // fail closed: a stream whose standing cannot be read ends (the client reconnects and is checked afresh)
                .onErrorReturn(Reason.UNVERIFIABLE);
    }

    /** Why the stream must end given the user's state now (null: no such user any more), or null if it may go on. */
    private static Reason verdict(Accounts.UserState state, DesayreAuthentication signedIn) {
        if (state == null || !state.enabled()) {
            return Reason.DISABLED;
        }
        if (signedIn.kind() == DesayreAuthentication.Kind.SESSION
                && ((Number) signedIn.sessionToken().getClaims().get(Sessions.EPOCH)).intValue() != state.sessionEpoch()) {
            return Reason.SESSION_ENDED;
        }
        return state.role().equals(signedIn.role()) ? null : Reason.ROLE_CHANGED;
    }

    private static ServerSentEvent<?> lastEvent(Reason reason) {
        var data = new LinkedHashMap<String, Object>();
        data.put("reason", reason.code());
        data.put("detail", reason.detail);
        return ServerSentEvent.<Map<String, Object>>builder(data).event(EVENT).build();
    }
}
