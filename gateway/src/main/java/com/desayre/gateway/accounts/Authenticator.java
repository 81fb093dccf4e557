package com.desayre.gateway.accounts;

import com.desayre.platform.OutageLog;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Turns a presented credential into a {@link DesayreAuthentication}: a session JWT (signature,
 * expiry, issuer; not signed out; user still enabled and on the same session epoch) or a
 * personal API key ({@code dsy_…}; unrevoked; owner enabled). The role always comes from the
 * user's current row, not from the token, so a demotion applies at once.
 */
@Component
class Authenticator implements ReactiveAuthenticationManager {
    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
    private final ReactiveJwtDecoder decoder;
    private final Revocations revocations;
    private final Accounts accounts;
    private final ApiKeyOwners apiKeys;
    private final byte[] workerSecretDigest;
    // every request checks its credential: a database that is away is said once an outage, not once a request
    private final OutageLog checks = new OutageLog(log, "Could not check a credential", Duration.ofSeconds(30));

    Authenticator(ReactiveJwtDecoder decoder, Revocations revocations, Accounts accounts, ApiKeyOwners apiKeys, WorkerSecretSource queues) {
        this.decoder = decoder;
        this.revocations = revocations;
        this.accounts = accounts;
        this.apiKeys = apiKeys;
        this.workerSecretDigest = queues.workerSecret() == null ? null : digest(queues.workerSecret());
    }

    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        if (!(authentication instanceof BearerTokenAuthenticationToken bearer)) {
            return Mono.empty();
        }
        var token = bearer.getToken();
        if (isWorkerSecret(token)) {
            return Mono.just(DesayreAuthentication.workerSecret());
        }
        if (bearer instanceof PresentedCredentials.WorkerSecretToken) {
            return Mono.error(new AuthRejected(AuthRejected.Reason.BAD_WORKER_SECRET));
        }
        return ApiKeyOwners.looksLikeKey(token) ? apiKey(token) : session(token);
    }

    /** Compares digests with a constant-time equals, so the answer's timing says nothing about the secret. */
    private boolean isWorkerSecret(String token) {
        return workerSecretDigest != null && java.security.MessageDigest.isEqual(workerSecretDigest, digest(token));
    }

    private static byte[] digest(String value) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Mono<Authentication> session(String token) {
        return decoder.decode(token)
                .onErrorMap(JwtException.class, Authenticator::rejected)
                .flatMap(jwt -> {
                    var sid = jwt.getClaimAsString(Sessions.SESSION_ID);
                    var epoch = jwt.getClaims().get(Sessions.EPOCH);
                    if (sid == null || jwt.getSubject() == null || !(epoch instanceof Number tokenEpoch)
                            || Sessions.authTime(jwt) == null) {
                        return Mono.error(new AuthRejected(AuthRejected.Reason.INVALID));
                    }
                    // answered from this instance's copy of the revocations, no I/O; refused while that copy is stale
                    if (revocations.stale()) {
                        return Mono.error(unverifiable());
                    }
                    if (revocations.isRevoked(Revocations.Kind.SESSION, sid)) {
                        return Mono.error(new AuthRejected(AuthRejected.Reason.REVOKED));
                    }
                    return state(jwt.getSubject()).map(state -> {
                        if (!state.enabled()) {
                            throw new AuthRejected(AuthRejected.Reason.DISABLED);
                        }
                        if (tokenEpoch.intValue() != state.sessionEpoch()) {
                            throw new AuthRejected(AuthRejected.Reason.ENDED);
                        }
                        return (Authentication) DesayreAuthentication.session(jwt.getSubject(), state.role(), jwt);
                    });
                });
    }

    private Mono<Authentication> apiKey(String token) {
        if (revocations.stale()) {
            return Mono.error(unverifiable());
        }
        if (revocations.isRevoked(Revocations.Kind.API_KEY, ApiKeyOwners.id(token))) {
            return Mono.error(new AuthRejected(AuthRejected.Reason.BAD_API_KEY));
        }
        return apiKeys.owner(token)
                .onErrorMap(this::unavailable)
                .switchIfEmpty(Mono.error(() -> new AuthRejected(AuthRejected.Reason.BAD_API_KEY)))
                .flatMap(owner -> state(owner).map(state -> {
                    if (!state.enabled()) {
                        throw new AuthRejected(AuthRejected.Reason.DISABLED);
                    }
                    return (Authentication) DesayreAuthentication.apiKey(owner, state.role(), ApiKeyOwners.id(token));
                }));
    }

    /**
     * 503, not 401: the credential may well be good, this instance just cannot tell whether it was
     * revoked elsewhere; a 401 would make the studio drop a live session (and clear its cookie).
     */
    private AuthRejected unverifiable() {
        return new AuthRejected(AuthRejected.Reason.UNAVAILABLE, "Whether this session or API key was revoked cannot be checked "
                + "just now (this gateway has not been able to read the revocation list from its database for over "
                + revocations.maxStaleness().toSeconds() + " s), so it is refused rather than trusted. Try again in a few seconds.",
                null);
    }

    private Mono<Accounts.UserState> state(String username) {
        return accounts.state(username)
                .onErrorMap(e -> !(e instanceof AuthRejected), this::unavailable)
                .switchIfEmpty(Mono.error(() -> new AuthRejected(AuthRejected.Reason.INVALID)))
                .doOnNext(answered -> checks.succeeded());
    }

    /** 503: the database behind the check did not answer (said in the log once an outage, not once a request). */
    private AuthRejected unavailable(Throwable e) {
        checks.failed(e);
        return new AuthRejected(AuthRejected.Reason.UNAVAILABLE, e);
    }

    /** Expired, or which rules of {@link SessionTokenRules} a well-signed token broke, or just "not valid" (signature, format). */
    private static AuthRejected rejected(JwtException e) {
        if (!(e instanceof JwtValidationException invalid)) {
            return new AuthRejected(AuthRejected.Reason.INVALID, e);
        }
        var problems = invalid.getErrors().stream().map(error -> error.getDescription()).filter(Objects::nonNull).toList();
        if (problems.stream().anyMatch(problem -> problem.contains("expired"))) {
            return new AuthRejected(AuthRejected.Reason.EXPIRED, e);
        }
        if (problems.isEmpty()) {
            return new AuthRejected(AuthRejected.Reason.INVALID, e);
        }
        return new AuthRejected(AuthRejected.Reason.INVALID, "The session token is not valid: " + String.join("; ", problems)
                + ". Sign in again (POST /api/auth/login).", e);
    }
}
