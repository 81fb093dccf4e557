package com.desayre.gateway.accounts;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code desayre.auth.*}. The gateway refuses to start without a usable JWT secret or a way to
 * sign the bootstrap admin in, with a sentence that says which variable to set.
 *
 * @param adminUsername     the bootstrap admin's username ({@code ADMIN_USERNAME}, default {@code admin})
 * @param adminPasswordHash a bcrypt hash ({@code ADMIN_PASSWORD_HASH}); wins over {@code adminPassword}
 * @param adminPassword     a plain password for local runs ({@code DESAYRE_ADMIN_PASSWORD})
 * @param sessionTtl        how long one session token lives; renewed when more than half has passed
 * @param sessionMaxAge     how long a session may be renewed for, from sign-in, before signing in again
 * @param secureCookie      mark cookies {@code Secure} even when the request did not arrive over HTTPS
 *                          (behind a TLS-terminating proxy that does not send {@code X-Forwarded-Proto})
 * @param login             sign-in attempt limits
 * @param userCacheTtl      how long one gateway instance trusts a user's role and status before re-reading
 *                          them (changes made on the same instance apply at once)
 * @param bcryptStrength    bcrypt's log2 rounds for passwords hashed from now on (default 10, ~100 ms of CPU per
 *                          hash or sign-in; a stored hash keeps the rounds it was made with). Only tests lower it:
 *                          their hundreds of sign-ins are not what they test
 *
 * <p>Unset values take their defaults here; a value that is set is checked by the constraints ({@code @Validated}:
 * start-up stops naming the property). The secrets are checked in the constructor instead, because Boot's report of a
 * failed constraint prints the value it refused.
 */
@ConfigurationProperties("desayre.auth")
@Validated
public record AuthSettings(String jwtSecret, String adminUsername, String adminPasswordHash, String adminPassword,
                    @NotNull @DurationMin(seconds = 1) Duration sessionTtl, @NotNull @DurationMin(seconds = 1) Duration sessionMaxAge,
                    boolean secureCookie, @NotNull @Valid LoginLimits login,
                    @NotNull @DurationMin(millis = 0) Duration userCacheTtl,
                    @NotNull @Min(4) @Max(31) Integer bcryptStrength) {

    static final int MIN_SECRET_BYTES = 32;

    public AuthSettings {
        if (jwtSecret == null || jwtSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("JWT_SECRET must be set to at least " + MIN_SECRET_BYTES
                    + " bytes (for example: openssl rand -base64 48). The gateway signs sessions with it.");
        }
        if (blank(adminPasswordHash) && blank(adminPassword)) {
            throw new IllegalStateException("Set ADMIN_PASSWORD_HASH (a bcrypt hash) or, for a local run, "
                    + "DESAYRE_ADMIN_PASSWORD, so the admin can sign in.");
        }
        if (!blank(adminPasswordHash) && !AccountRules.looksLikeBcrypt(adminPasswordHash.strip())) {
            throw new IllegalStateException("ADMIN_PASSWORD_HASH is not a bcrypt hash (it should look like $2a$10$ followed "
                    + "by 53 characters; make one with: htpasswd -bnBC 10 \"\" '<password>' | tr -d ':\\n').");
        }
        if (blank(adminPasswordHash) && adminPassword.getBytes(StandardCharsets.UTF_8).length > AccountRules.MAX_PASSWORD_BYTES) {
            throw new IllegalStateException("DESAYRE_ADMIN_PASSWORD may be at most " + AccountRules.MAX_PASSWORD_BYTES
                    + " bytes: bcrypt ignores the rest.");
        }
        adminUsername = AccountRules.normalize(blank(adminUsername) ? AccountRules.ADMIN : adminUsername);
        if (AccountRules.usernameProblem(adminUsername) != null) {
            throw new IllegalStateException("ADMIN_USERNAME is not a usable username. " + AccountRules.usernameProblem(adminUsername));
        }
        adminPasswordHash = blank(adminPasswordHash) ? null : adminPasswordHash.strip();
        sessionTtl = sessionTtl == null ? Duration.ofMinutes(30) : sessionTtl;
        sessionMaxAge = sessionMaxAge == null ? Duration.ofHours(12) : sessionMaxAge;
        if (sessionMaxAge.compareTo(sessionTtl) < 0) {
            sessionMaxAge = sessionTtl;
        }
        login = login == null ? new LoginLimits(null, null, null, null, null) : login;
        userCacheTtl = userCacheTtl == null ? Duration.ofSeconds(5) : userCacheTtl;
        bcryptStrength = bcryptStrength == null ? 10 : bcryptStrength;
    }

    /**
     * Failed sign-ins (OWASP: throttle, never lock an account for everyone). Per client address and
     * per (account, address) pair at most {@code perIp} / {@code perAccountAndIp} failures within
     * {@code window}; past either, that address answers 429 until the window ends. Per account, nothing
     * is refused: after {@code slowAfter} failures within the window each attempt on the account waits
     * (250 ms, doubling per further failure) up to {@code maxDelay}, so a guesser elsewhere slows the
     * owner by at most that much and cannot lock them out.
     */
    record LoginLimits(@Positive Integer perIp, @Positive Integer perAccountAndIp, @DurationMin(seconds = 1) Duration window,
                       @Positive Integer slowAfter,
                       @DurationMin(millis = 0) @DurationMax(seconds = 10, message = "must be at most 10s: a longer wait on an "
                               + "account would let a guesser elsewhere keep its owner out") Duration maxDelay) {
        LoginLimits {
            perIp = perIp == null ? 50 : perIp;
            perAccountAndIp = perAccountAndIp == null ? 5 : perAccountAndIp;
            window = window == null ? Duration.ofMinutes(15) : window;
            slowAfter = slowAfter == null ? 3 : slowAfter;
            maxDelay = maxDelay == null ? Duration.ofSeconds(3) : maxDelay;
        }
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    @Override
    public String toString() {
        return "AuthSettings[adminUsername=" + adminUsername + ", sessionTtl=" + sessionTtl + ", sessionMaxAge=" + sessionMaxAge
                + ", login=" + login + ", secrets=****]";
    }
}
