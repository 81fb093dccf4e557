package com.desayre.gateway.jobs;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code desayre.gateway.*}.
 *
 * @param statusTtl how long the Redis status cache keeps a job's latest status (default 7 days)
 * @param keepAlive how often an event stream sends a keep-alive comment, and a job's stream looks at
 *                  the stores again (default 15 s: under the idle timeouts of common proxies)
 */
@ConfigurationProperties("desayre.gateway")
@Validated
record GatewaySettings(@NotNull @DurationMin(seconds = 1) Duration statusTtl,
                       @NotNull @DurationMin(millis = 100) Duration keepAlive) {
    GatewaySettings {
        statusTtl = statusTtl == null ? Duration.ofDays(7) : statusTtl;
        keepAlive = keepAlive == null ? Duration.ofSeconds(15) : keepAlive;
    }
}
