package com.desayre.storage;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code desayre.storage.*} (defaults in storage-sink.yml).
 *
 * @param maxDownloadBytes a provider output larger than this is refused as BAD_PROVIDER_OUTPUT
 * @param downloadTimeout  how long one output's download may take
 */
@ConfigurationProperties("desayre.storage")
@Validated
record StorageSettings(@Positive long maxDownloadBytes, @NotNull @DurationMin(seconds = 1) Duration downloadTimeout) {
}
