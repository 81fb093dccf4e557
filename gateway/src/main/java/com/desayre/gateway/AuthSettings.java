package com.desayre.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code desayre.auth.*}. The gateway refuses to start without a usable JWT secret or a way to
 * sign the bootstrap admin in, with a sentence that says which variable to set.
 *
 * @param adminPasswordHash a bcrypt hash ({@code ADMIN_PASSWORD_HASH}); wins over {@code adminPassword}
 * @param adminPassword     a plain password for local runs ({@code DESAYRE_ADMIN_PASSWORD})
 */
@ConfigurationProperties("desayre.auth")
record AuthSettings(String jwtSecret, String adminUsername, String adminPasswordHash, String adminPassword,
                    Duration sessionTtl, boolean secureCookie) {

    static final int MIN_SECRET_BYTES = 32;

    AuthSettings {
        if (jwtSecret == null || jwtSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("JWT_SECRET must be set to at least " + MIN_SECRET_BYTES
                    + " bytes (for example: openssl rand -base64 48). The gateway signs sessions with it.");
        }
        if (blank(adminPasswordHash) && blank(adminPassword)) {
            throw new IllegalStateException("Set ADMIN_PASSWORD_HASH (a bcrypt hash) or, for a local run, "
                    + "DESAYRE_ADMIN_PASSWORD, so the admin can sign in.");
        }
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    @Override
    public String toString() {
        return "AuthSettings[adminUsername=" + adminUsername + ", sessionTtl=" + sessionTtl + ", secrets=****]";
    }
}
