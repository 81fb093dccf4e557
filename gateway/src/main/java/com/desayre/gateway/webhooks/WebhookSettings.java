package com.desayre.gateway.webhooks;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code desayre.webhooks.*}: what users may register.
 *
 * @param allowPrivate     {@code DESAYRE_WEBHOOK_ALLOW_PRIVATE}: true lets webhook URLs point at loopback and private
 *                         addresses (local runs and tests); default false
 * @param maxEndpoints     endpoints one user may have (default 25)
 * @param rotationOverlap  how long a rotated-out secret still signs deliveries (default 24 h)
 */
@ConfigurationProperties("desayre.webhooks")
@Validated
public record WebhookSettings(Boolean allowPrivate, @NotNull @Positive Integer maxEndpoints,
                              @NotNull @DurationMin(seconds = 0) Duration rotationOverlap) {
    public WebhookSettings {
        allowPrivate = allowPrivate != null && allowPrivate;
        maxEndpoints = maxEndpoints == null ? 25 : maxEndpoints;
        rotationOverlap = rotationOverlap == null ? Duration.ofHours(24) : rotationOverlap;
    }
}
