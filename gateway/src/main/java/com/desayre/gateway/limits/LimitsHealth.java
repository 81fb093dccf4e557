package com.desayre.gateway.limits;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code limits} in {@code /actuator/health}: {@code mode: shared} while generation limits are
 * counted in Redis, {@code mode: local-fallback} while this instance counts on its own. Always UP:
 * the gateway keeps serving on its local limiter, so taking it out of rotation would only make
 * things worse. Alert on the {@value GenerationLimits#FALLBACK_GAUGE} gauge instead.
 */
@Component("limitsHealthIndicator")
class LimitsHealth implements HealthIndicator {
    static final String SHARED = "shared";
    static final String LOCAL_FALLBACK = "local-fallback";

    private final GenerationLimits limits;

    LimitsHealth(GenerationLimits limits) {
        this.limits = limits;
    }

    @Override
    public Health health() {
        if (!limits.enabled()) {
            return Health.up().withDetail("mode", "off").build();
        }
        if (!limits.onLocalFallback()) {
            return Health.up().withDetail("mode", SHARED).build();
        }
        var health = Health.up().withDetail("mode", LOCAL_FALLBACK)
                .withDetail("fallback", limits.settings().fallback().name().toLowerCase())
                .withDetail("reason", "Redis is unreachable: each gateway instance limits generation on its own");
        var since = limits.localSince();
        return (since == null ? health : health.withDetail("since", since.toString())).build();
    }
}
