package com.desayre.gateway.accounts;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.ResponseCookie;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Session tokens: short-lived HS256 JWTs, renewed while in use, revocable.
 *
 * <p>A session starts at sign-in and gets an id ({@code sid}). Each token of the session has
 * its own {@code jti} and lives {@code session-ttl}; once more than half of it has passed, the
 * next request gets a fresh token of the same session (cookie, or the {@value #RENEWED_TOKEN_HEADER}
 * header), until {@code session-max-age} after sign-in. Signing out revokes the {@code sid}
 * ({@link Revocations}: durably in Postgres, checked locally on every instance) for as long as any
 * token of the session can still be valid, so the token in hand and any older or renewed sibling
 * all stop working. {@code ver} is the user's session epoch: a password change or a disabled
 * account moves it on and ends every session at once.
 */
@Component
public class Sessions {
    public static final String ISSUER = "desayre";
    /** Who a session token is for: this gateway (a token minted for another service with the same key is refused). */
    public static final String AUDIENCE = "desayre-gateway";
    public static final String ROLE = AuthController.ROLE_CLAIM;
    public static final String SESSION_ID = "sid";
    public static final String AUTH_TIME = "auth_time";
    public static final String EPOCH = "ver";
    static final String RENEWED_TOKEN_HEADER = "X-Session-Token";
    static final String EXPIRES_HEADER = "X-Session-Expires-At";
    /** The JWT decoder accepts tokens up to this long after {@code exp} (clock skew). */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JwtEncoder jwts;
    private final AuthSettings settings;
    private final Revocations revocations;

    Sessions(JwtEncoder jwts, AuthSettings settings, Revocations revocations) {
        this.jwts = jwts;
        this.settings = settings;
        this.revocations = revocations;
    }

    /** A token minted; {@code sessionId} is its {@code sid}. */
    record Issued(String token, Instant expiresAt, String sessionId) {
        @Override
        public String toString() {
            return "Issued[expiresAt=" + expiresAt + "]";
        }
    }

    /** A new session, at sign-in. */
    Issued start(String username, String role, int epoch) {
        var now = Instant.now();
        var sid = random(16);
        return mint(username, role, epoch, sid, now, now, expiry(now, now));
    }

    /** A fresh token of the same session when more than half of this one's life has passed and it can be extended. */
    Optional<Issued> renewal(Jwt jwt, String role) {
        var now = Instant.now();
        var issued = jwt.getIssuedAt();
        var expires = jwt.getExpiresAt();
        var authTime = authTime(jwt);
        if (issued == null || expires == null || authTime == null) {
            return Optional.empty();
        }
        // (halved in milliseconds: Duration.dividedBy goes through BigDecimal, and this runs on every session request)
        if (now.isBefore(issued.plusMillis((expires.toEpochMilli() - issued.toEpochMilli()) / 2))) {
            return Optional.empty();
        }
        var newExpiry = expiry(now, authTime);
        if (!newExpiry.isAfter(expires.plusSeconds(1))) {
            return Optional.empty();
        }
        var epoch = ((Number) jwt.getClaims().get(EPOCH)).intValue();
        return Optional.of(mint(jwt.getSubject(), role, epoch, jwt.getClaimAsString(SESSION_ID), authTime, now, newExpiry));
    }

    /**
     * Ends the session: every token carrying its {@code sid} is refused from now on, on this
     * instance at once and on the others within a revocation poll. Completes once Postgres has it.
     */
    Mono<Void> revoke(Jwt jwt) {
        return revocations.revoke(Revocations.Kind.SESSION, jwt.getClaimAsString(SESSION_ID)).then();
    }

    ResponseCookie cookie(ServerWebExchange exchange, Issued issued) {
        var maxAge = Duration.between(Instant.now(), issued.expiresAt());
        return ResponseCookie.from(SecurityConfiguration.SESSION_COOKIE, issued.token()).httpOnly(true).secure(secure(exchange))
                .sameSite("Lax").path("/").maxAge(maxAge.isNegative() ? Duration.ZERO : maxAge).build();
    }

    ResponseCookie expiredCookie(ServerWebExchange exchange) {
        return ResponseCookie.from(SecurityConfiguration.SESSION_COOKIE, "").httpOnly(true).secure(secure(exchange))
                .sameSite("Lax").path("/").maxAge(0).build();
    }

    /** {@code Secure} when configured, or when the request came over HTTPS (directly or per X-Forwarded-Proto). */
    boolean secure(ServerWebExchange exchange) {
        var request = exchange.getRequest();
        return settings.secureCookie() || request.getSslInfo() != null || "https".equalsIgnoreCase(request.getURI().getScheme());
    }

    static Instant authTime(Jwt jwt) {
        var value = jwt.getClaims().get(AUTH_TIME);
        if (value instanceof Instant instant) {
            return instant;
        }
        return value instanceof Number number ? Instant.ofEpochSecond(number.longValue()) : null;
    }

    private Instant expiry(Instant now, Instant authTime) {
        var byTtl = now.plus(settings.sessionTtl());
        var byMaxAge = authTime.plus(settings.sessionMaxAge());
        return byTtl.isBefore(byMaxAge) ? byTtl : byMaxAge;
    }

    private Issued mint(String username, String role, int epoch, String sid, Instant authTime, Instant now, Instant expires) {
        var claims = JwtClaimsSet.builder().issuer(ISSUER).audience(List.of(AUDIENCE)).subject(username).issuedAt(now).expiresAt(expires)
                .id(UUID.randomUUID().toString())
                .claim(SESSION_ID, sid)
                .claim(AUTH_TIME, authTime.getEpochSecond())
                .claim(EPOCH, epoch)
                .claim(ROLE, role)
                .build();
        var header = JwsHeader.with(MacAlgorithm.HS256).type("JWT").build();
        return new Issued(jwts.encode(JwtEncoderParameters.from(header, claims)).getTokenValue(), expires, sid);
    }

    private static String random(int bytes) {
        var buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
    }
}
