package com.desayre.gateway.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.Jwt;

class SessionTokenRulesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final SessionTokenRules RULES = new SessionTokenRules(Duration.ofMinutes(30), Duration.ofHours(12),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private static Jwt token(Consumer<Jwt.Builder> customize) {
        var builder = Jwt.withTokenValue("t").header("alg", "HS256").issuer(Sessions.ISSUER).audience(List.of(Sessions.AUDIENCE))
                .subject("ada").jti("j-1").claim(Sessions.SESSION_ID, "s-1").claim(Sessions.EPOCH, 0)
                .claim(Sessions.AUTH_TIME, NOW.minus(Duration.ofHours(1)).getEpochSecond())
                .issuedAt(NOW.minusSeconds(60)).expiresAt(NOW.plus(Duration.ofMinutes(29)));
        customize.accept(builder);
        return builder.build();
    }

    private static List<String> problems(Consumer<Jwt.Builder> customize) {
        return RULES.validate(token(customize)).getErrors().stream().map(OAuth2Error::getDescription).toList();
    }

    @Test
    void aTokenAsTheGatewayMintsItPasses() {
        assertThat(problems(token -> { })).isEmpty();
        // exactly session-ttl plus the clock skew is still allowed
        assertThat(problems(token -> token.issuedAt(NOW).expiresAt(NOW.plus(Duration.ofMinutes(30)).plus(Sessions.CLOCK_SKEW))))
                .isEmpty();
    }

    @Test
    void eachMissingClaimIsNamed() {
        assertThat(problems(token -> token.claims(claims -> claims.remove("iss")))).singleElement().asString().contains("iss");
        assertThat(problems(token -> token.issuer("elsewhere"))).singleElement().asString().contains("iss");
        assertThat(problems(token -> token.claims(claims -> claims.remove("aud")))).singleElement().asString().contains("aud");
        assertThat(problems(token -> token.audience(List.of("other")))).singleElement().asString().contains("aud");
        assertThat(problems(token -> token.claims(claims -> claims.remove(Sessions.SESSION_ID)))).containsExactly("it has no sid claim");
        assertThat(problems(token -> token.claims(claims -> claims.remove("jti")))).containsExactly("it has no jti claim");
        assertThat(problems(token -> token.claims(claims -> claims.remove("sub")))).containsExactly("it has no sub claim");
        assertThat(problems(token -> token.claims(claims -> claims.remove("exp")))).containsExactly("it has no expiry (exp)");
        assertThat(problems(token -> token.claims(claims -> claims.remove("iat")))).containsExactly("it has no issue time (iat)");
        assertThat(problems(token -> token.claims(claims -> claims.remove(Sessions.AUTH_TIME))))
                .containsExactly("it has no sign-in time (auth_time)");
        assertThat(problems(token -> token.claims(claims -> claims.remove(Sessions.EPOCH)))).containsExactly("it has no session epoch (ver)");
    }

    @Test
    void aLifeLongerThanASessionIsRefused() {
        assertThat(problems(token -> token.issuedAt(NOW).expiresAt(NOW.plus(Duration.ofMinutes(32)))))
                .singleElement().asString().contains("live longer");
        assertThat(problems(token -> token.claim(Sessions.AUTH_TIME, NOW.minus(Duration.ofHours(12)).minusSeconds(61).getEpochSecond())))
                .singleElement().asString().contains("session began longer ago");
        assertThat(problems(token -> token.issuedAt(NOW.plus(Duration.ofMinutes(5))).expiresAt(NOW.plus(Duration.ofMinutes(20)))))
                .anySatisfy(problem -> assertThat(problem).contains("in the future"));
        assertThat(problems(token -> token.issuedAt(NOW.minus(Duration.ofMinutes(5))).expiresAt(NOW.plus(Duration.ofMinutes(20))).claim(Sessions.AUTH_TIME, NOW.getEpochSecond())))
                .singleElement().asString().contains("after its issue time");
    }
}
