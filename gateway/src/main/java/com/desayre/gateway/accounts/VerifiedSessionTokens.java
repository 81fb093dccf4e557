package com.desayre.gateway.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Session tokens this instance has verified, kept until they would stop verifying, so a client that sends the same
 * token on every request pays the JWT parse, claim conversion, MAC and validators once, not per request (about a tenth
 * of a generation request's CPU in a profile, docs/performance.md "Gateway").
 *
 * <p>Only what cannot change for a given token string is cached: its signature and claims. A cached token is served
 * only until its expiry or its session's maximum age ({@code auth_time} + {@code session-max-age}), whichever comes
 * first, without the clock skew the full check allows; from then on the full decoder decides again. Everything that
 * can change while a token lives (signed out, user disabled, password changed, role) is checked per request after
 * this ({@link Authenticator}, from memory), so it still applies at once. A token enters only once it verified, so
 * forged tokens cannot fill the cache; it is bounded anyway ({@value #MAX_TOKENS}, then emptied).
 */
final class VerifiedSessionTokens implements ReactiveJwtDecoder {
    static final int MAX_TOKENS = 20_000;

    private final ReactiveJwtDecoder decoder;
    private final Duration sessionMaxAge;
    private final Clock clock;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    private record Verified(Jwt jwt, Instant until) { }

    VerifiedSessionTokens(ReactiveJwtDecoder decoder, Duration sessionMaxAge, Clock clock) {
        this.decoder = decoder;
        this.sessionMaxAge = sessionMaxAge;
        this.clock = clock;
    }

    @Override
    public Mono<Jwt> decode(String token) throws JwtException {
        var known = verified.get(token);
        if (known != null) {
            if (Instant.now(clock).isBefore(known.until())) {
                return Mono.just(known.jwt());
            }
            verified.remove(token, known);
        }
        return decoder.decode(token).doOnNext(jwt -> remember(token, jwt));
    }

    private void remember(String token, Jwt jwt) {
        var until = jwt.getExpiresAt();
        var authTime = Sessions.authTime(jwt);
        if (until == null || authTime == null) {
            return;
        }
        var maxAge = authTime.plus(sessionMaxAge);
        if (maxAge.isBefore(until)) {
            until = maxAge;
        }
        if (verified.size() >= MAX_TOKENS) {
            verified.clear();
        }
        verified.put(token, new Verified(jwt, until));
    }

    int size() {
        return verified.size();
    }
}
