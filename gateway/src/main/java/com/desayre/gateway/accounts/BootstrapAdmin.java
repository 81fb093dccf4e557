package com.desayre.gateway.accounts;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * At start-up, before the server takes requests (and after Flyway migrated the schema): makes
 * sure the bootstrap admin ({@code ADMIN_USERNAME}, default {@code admin}) exists with the
 * configured password ({@code ADMIN_PASSWORD_HASH}, or {@code DESAYRE_ADMIN_PASSWORD} for local
 * runs) and the admin role. The configuration owns that password: a different one set through
 * the API is put back at the next start (and the admin's sessions end). An admin who was
 * disabled through the API stays disabled (with a warning): other admins decided that.
 */
@Component
class BootstrapAdmin implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final AuthSettings settings;
    private final Accounts accounts;
    private final BCryptPasswordEncoder passwords;

    BootstrapAdmin(AuthSettings settings, Accounts accounts, BCryptPasswordEncoder passwords) {
        this.settings = settings;
        this.accounts = accounts;
        this.passwords = passwords;
    }

    @Override
    public void afterSingletonsInstantiated() {
        var username = settings.adminUsername();
        var existing = accounts.find(username).block(TIMEOUT);
        if (existing == null) {
            var hash = settings.adminPasswordHash() != null ? settings.adminPasswordHash() : passwords.encode(settings.adminPassword());
            if (Boolean.TRUE.equals(accounts.createBootstrapAdmin(username, hash).block(TIMEOUT))) {
                log.info("Created the bootstrap admin '{}'", username);
                return;
            }
            existing = accounts.find(username).block(TIMEOUT);
            if (existing == null) {
                throw new IllegalStateException("Could not create the bootstrap admin '" + username + "'");
            }
        }
        String newHash = null;
        if (settings.adminPasswordHash() != null) {
            if (!settings.adminPasswordHash().equals(existing.passwordHash())) {
                newHash = settings.adminPasswordHash();
            }
        } else if (!passwords.matches(settings.adminPassword(), existing.passwordHash())) {
            newHash = passwords.encode(settings.adminPassword());
        }
        var makeAdmin = !existing.admin();
        if (newHash != null || makeAdmin) {
            accounts.alignBootstrapAdmin(username, newHash, makeAdmin).block(TIMEOUT);
            log.info("Bootstrap admin '{}': {}{}", username, newHash != null ? "password set from the configuration" : "",
                    makeAdmin ? (newHash != null ? ", " : "") + "admin role restored" : "");
        }
        if (!existing.enabled()) {
            log.warn("The bootstrap admin '{}' is disabled; another admin can enable it (PATCH /api/admin/users/{})", username, username);
        }
    }
}
