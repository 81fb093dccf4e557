package com.desayre.gateway.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * What a correctly signed session token must also be, beside unexpired (Spring's timestamp
 * validator checks {@code exp} and {@code nbf}): every claim {@link Sessions} mints present
 * ({@code iss} ours, {@code aud} ours, {@code sub}, {@code sid}, {@code jti}, {@code iat},
 * {@code exp}, {@code auth_time}, {@code ver}), and no longer-lived than a session token may be:
 * {@code exp - iat} at most {@code session-ttl}, {@code auth_time} at most {@code session-max-age}
 * ago (each with {@link Sessions#CLOCK_SKEW}). A token signed with a leaked key or minted by
 * mistake cannot carry a session for longer than the gateway would have. Each failure says which
 * rule, so the 401 can tell the caller (never echoing the token).
 */
final class SessionTokenRules implements OAuth2TokenValidator<Jwt> {
    private final Duration ttl;
    private final Duration maxAge;
    private final Clock clock;

    SessionTokenRules(Duration ttl, Duration maxAge, Clock clock) {
        this.ttl = ttl;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
        var problems = new ArrayList<String>();
        var issuer = jwt.getClaims().get("iss");
        if (issuer == null || !Sessions.ISSUER.equals(issuer.toString())) {
            problems.add("its issuer (iss) is missing or not this gateway");
        }
        var audience = jwt.getAudience();
        if (audience == null || !audience.contains(Sessions.AUDIENCE)) {
            problems.add("its audience (aud) is missing or not " + Sessions.AUDIENCE);
        }
        require(problems, jwt.getSubject(), "sub");
        require(problems, jwt.getClaimAsString(Sessions.SESSION_ID), "sid");
        require(problems, jwt.getId(), "jti");
        if (!(jwt.getClaims().get(Sessions.EPOCH) instanceof Number)) {
            problems.add("it has no session epoch (ver)");
        }
        var issuedAt = jwt.getIssuedAt();
        var expiresAt = jwt.getExpiresAt();
        var authTime = Sessions.authTime(jwt);
        if (issuedAt == null) {
            problems.add("it has no issue time (iat)");
        }
        if (expiresAt == null) {
            problems.add("it has no expiry (exp)");
        }
        if (authTime == null) {
            problems.add("it has no sign-in time (auth_time)");
        }
        var now = Instant.now(clock);
        if (issuedAt != null && issuedAt.isAfter(now.plus(Sessions.CLOCK_SKEW))) {
            problems.add("its issue time (iat) is in the future");
        }
        if (issuedAt != null && expiresAt != null && Duration.between(issuedAt, expiresAt).compareTo(ttl.plus(Sessions.CLOCK_SKEW)) > 0) {
            problems.add("it would live longer (exp - iat) than a session token may (" + ttl + ")");
        }
        if (authTime != null && issuedAt != null && authTime.isAfter(issuedAt.plus(Sessions.CLOCK_SKEW))) {
            problems.add("its sign-in time (auth_time) is after its issue time");
        }
        if (authTime != null && Duration.between(authTime, now).compareTo(maxAge.plus(Sessions.CLOCK_SKEW)) > 0) {
            problems.add("its session began longer ago (auth_time) than a session may last (" + maxAge + ")");
        }
        if (problems.isEmpty()) {
            return OAuth2TokenValidatorResult.success();
        }
        return OAuth2TokenValidatorResult.failure(problems.stream()
                .map(problem -> new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, problem, null)).toList());
    }

    private static void require(ArrayList<String> problems, String value, String claim) {
        if (value == null || value.isBlank()) {
            problems.add("it has no " + claim + " claim");
        }
    }
}
