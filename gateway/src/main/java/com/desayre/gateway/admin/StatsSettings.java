package com.desayre.gateway.admin;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code desayre.stats.*}: what {@code GET /api/admin/stats} needs beyond the projections. (Its cost comes from the
 * cost ledger, priced with {@code desayre.pricing}: docs/costs.md.)
 *
 * @param topUsers how many users the top-users list shows (default 10, at most 100)
 */
@ConfigurationProperties("desayre.stats")
@Validated
record StatsSettings(@NotNull @Min(1) @Max(100) Integer topUsers) {

    StatsSettings {
        topUsers = topUsers == null ? 10 : topUsers;
    }
}
