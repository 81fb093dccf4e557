package com.desayre.gateway.accounts;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code desayre.revocations.*}: how each gateway instance keeps its local copy of the revoked
 * credentials ({@link Revocations}).
 *
 * @param pollInterval how often an instance reads new revocations from Postgres: a sign-out, password
 *                     change, disabled user or revoked key made on another instance applies here within it
 * @param maxStaleness how long the local copy may go without a successful read before this instance
 *                     refuses session and API-key requests (503) and ends their event streams: it could be
 *                     missing a revocation made elsewhere
 */
@ConfigurationProperties("desayre.revocations")
@Validated
record RevocationSettings(@NotNull @DurationMin(millis = 1) Duration pollInterval, @NotNull @DurationMin(millis = 2) Duration maxStaleness) {
    RevocationSettings {
        pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
        maxStaleness = maxStaleness == null ? Duration.ofSeconds(10) : maxStaleness;
        // a constraint cannot compare two properties: checked here, naming both
        if (maxStaleness.compareTo(pollInterval.multipliedBy(2)) < 0) {
            throw new IllegalStateException("desayre.revocations.max-staleness (" + maxStaleness + ") must be at least twice "
                    + "desayre.revocations.poll-interval (" + pollInterval + "), or one slow read refuses every session.");
        }
    }

    /** A read that takes longer than this counts as failed, so a hung connection cannot hide how stale the copy is. */
    Duration readTimeout() {
        return maxStaleness.dividedBy(2);
    }
}
