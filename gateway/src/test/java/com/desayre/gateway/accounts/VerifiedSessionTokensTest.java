package com.desayre.gateway.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.desayre.gateway.AuthTestGateway;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * The verified-token cache in front of the gateway's real session decoder (its HS256 key and validators): a token is
 * verified once and then served until it would stop verifying, and a refused token is never remembered. (That signing
 * out, disabling, a password change and a demotion still apply at once to a cached token is AccountsIT's: each of its
 * tests uses the token before the change.)
 */
class VerifiedSessionTokensTest {
    private static final Duration TTL = Duration.ofMinutes(30);
    private static final Duration MAX_AGE = Duration.ofHours(12);

    private final AtomicInteger fullChecks = new AtomicInteger();
    private final MovableClock clock = new MovableClock();
    private final VerifiedSessionTokens tokens;

    VerifiedSessionTokensTest() {
        var settings = new AuthSettings(AuthTestGateway.SECRET, null, null, "a test admin password", TTL, MAX_AGE, false, null,
                Duration.ofSeconds(5), 4);
        var configuration = new SecurityConfiguration();
        var real = configuration.jwtDecoder(configuration.jwtKey(settings), settings);
        tokens = new VerifiedSessionTokens(token -> {
            fullChecks.incrementAndGet();
            return real.decode(token);
        }, MAX_AGE, clock);
    }

    private static String token(Instant authTime, Instant issuedAt, Instant expiresAt) {
        return AuthTestGateway.mint(AuthTestGateway.SECRET, "ada", "member", 0, "s-" + UUID.randomUUID(), authTime, issuedAt, expiresAt);
    }

    @Test
    void aTokenIsVerifiedOnceAndServedUntilItExpires() {
        var now = Instant.now();
        var token = token(now, now, now.plus(TTL));

        assertThat(tokens.decode(token).block().getSubject()).isEqualTo("ada");
        assertThat(tokens.decode(token).block().getSubject()).isEqualTo("ada");
        assertThat(fullChecks).hasValue(1);

        // past its expiry the full check decides again (here it still passes: the real clock has not moved, and it allows skew)
        clock.at = now.plus(TTL).plusSeconds(1);
        assertThat(tokens.decode(token).block().getSubject()).isEqualTo("ada");
        assertThat(fullChecks).hasValue(2);
    }

    @Test
    void aTokenIsServedNoLongerThanItsSessionMayLast() {
        var now = Instant.now();
        // signed in nearly 12 h ago: the session's maximum age comes before the token's expiry
        var token = token(now.minus(MAX_AGE).plusSeconds(60), now, now.plus(TTL));
        tokens.decode(token).block();
        clock.at = now.plusSeconds(61);
        tokens.decode(token).block();
        assertThat(fullChecks).hasValue(2);
    }

    @Test
    void aRefusedTokenIsNeverRemembered() {
        var now = Instant.now();
        var expired = token(now.minusSeconds(3600), now.minusSeconds(3600), now.minusSeconds(1800));
        var forged = token(now, now, now.plus(TTL)).replaceFirst("\\.[^.]+$", ".AAAA");
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> tokens.decode(expired).block()).isInstanceOf(JwtValidationException.class);
            assertThatThrownBy(() -> tokens.decode(forged).block()).isInstanceOf(BadJwtException.class);
        }
        assertThat(fullChecks).hasValue(4);
        assertThat(tokens.size()).isZero();
    }

    /** Now, unless the test moved it. */
    private static final class MovableClock extends Clock {
        volatile Instant at;

        @Override
        public Instant instant() {
            return at != null ? at : Instant.now();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
