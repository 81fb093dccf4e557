package com.desayre.webhooks;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code desayre.webhooks.*} as the dispatcher reads them.
 *
 * @param allowPrivate     {@code DESAYRE_WEBHOOK_ALLOW_PRIVATE}: send to loopback and private addresses too (local runs, tests)
 * @param pollInterval     how often due deliveries are looked for (1 s)
 * @param senders          deliveries sent at once (8 threads)
 * @param connectTimeout   connecting to a receiver (5 s)
 * @param readTimeout      waiting for its answer, between bytes and in all (10 s)
 * @param maxResponseBytes the most of an answer that is read (64 KB)
 * @param lease            how long a claimed delivery is held; a sender that died mid-delivery leaves it due again after this (2 min)
 * @param retryInitial     the wait after the first failed attempt, doubling each time (30 s)
 * @param retryMax         the longest wait between attempts (1 h)
 * @param disableAfter     an endpoint failing this long without a success is disabled (3 days)
 * @param gatewayUrl       the gateway's public base URL ({@code DESAYRE_PUBLIC_URL}), for the signed media links in payloads
 * @param mediaLinkTtl     how long those links work (7 days: longer than retries go on)
 */
@ConfigurationProperties("desayre.webhooks")
@Validated
record DispatcherSettings(Boolean allowPrivate, @NotNull @DurationMin(millis = 10) Duration pollInterval, @NotNull @Positive Integer senders,
                          @NotNull @DurationMin(millis = 1) Duration connectTimeout, @NotNull @DurationMin(millis = 1) Duration readTimeout,
                          @NotNull @Positive Integer maxResponseBytes, @NotNull @DurationMin(seconds = 1) Duration lease,
                          @NotNull @DurationMin(millis = 1) Duration retryInitial, @NotNull @DurationMin(millis = 1) Duration retryMax,
                          @NotNull @DurationMin(millis = 1) Duration disableAfter, String gatewayUrl,
                          @NotNull @DurationMin(minutes = 1) Duration mediaLinkTtl) {
    DispatcherSettings {
        allowPrivate = allowPrivate != null && allowPrivate;
        pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
        senders = senders == null ? 8 : senders;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(10) : readTimeout;
        maxResponseBytes = maxResponseBytes == null ? 65536 : maxResponseBytes;
        lease = lease == null ? Duration.ofMinutes(2) : lease;
        retryInitial = retryInitial == null ? Duration.ofSeconds(30) : retryInitial;
        retryMax = retryMax == null ? Duration.ofHours(1) : retryMax;
        disableAfter = disableAfter == null ? Duration.ofDays(3) : disableAfter;
        gatewayUrl = gatewayUrl == null || gatewayUrl.isBlank() ? "http://localhost:8080" : gatewayUrl.replaceAll("/+$", "");
        mediaLinkTtl = mediaLinkTtl == null ? Duration.ofDays(7) : mediaLinkTtl;
    }
}
