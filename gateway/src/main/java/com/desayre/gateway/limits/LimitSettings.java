package com.desayre.gateway.limits;

import com.desayre.contracts.JobKind;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import java.util.Locale;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code desayre.limits.*}: what generating costs and how much of it a user may spend.
 *
 * @param enabled         false turns every generation limit off (no headers either)
 * @param cost            units one job of each kind takes from the buckets and the daily quota
 * @param user            the token bucket every request of a user drains, whatever signed it
 * @param apiKey          the token bucket each personal API key drains as well (on top of its owner's)
 * @param maxInFlight     jobs a user may have that have not reached a terminal status
 * @param inFlightExpiry  after this long a job no longer holds a slot even if no terminal status was
 *                        seen (a lost status must not block a user for ever); longer than any job may run
 * @param inFlightRetryAfter what {@code Retry-After} says when the in-flight cap refuses (nobody knows
 *                        when a job will end)
 * @param dailyQuota      units per user per UTC day unless an admin set the user's own quota
 * @param redisTimeout    how long a limit check waits for Redis; past it, that one request is counted locally
 *                        (and written to the quota ledger), and the call counts as a failure
 * @param outageFailures  failed Redis calls in a row that, lasting at least {@code outageLasting}, make an outage:
 *                        then this instance stops asking Redis and limits locally until Redis answers again
 * @param outageLasting   how long the failures in a row must span (one slow call or one burst is no outage)
 * @param probeInterval   how often, while on the local limiter, Redis is tried again (and the quota ledger reconciled)
 * @param fallback        what happens while Redis is unreachable: {@code local} (each instance limits on
 *                        its own, in memory) or {@code closed} (generation answers 503); any other value stops start-up
 *
 * <p>An unset value takes its default here; a value that is set and out of range stops start-up naming the property.
 */
@ConfigurationProperties("desayre.limits")
@Validated
public record LimitSettings(@NotNull Boolean enabled, @NotNull @Valid Costs cost, @NotNull @Valid Bucket user,
                     @NotNull @Valid Bucket apiKey, @NotNull @Positive Integer maxInFlight,
                     @NotNull @DurationMin(seconds = 1) Duration inFlightExpiry,
                     @NotNull @DurationMin(seconds = 1) Duration inFlightRetryAfter, @PositiveOrZero long dailyQuota,
                     @NotNull @DurationMin(millis = 1) Duration redisTimeout, @NotNull @Positive Integer outageFailures,
                     @NotNull @DurationMin(millis = 0) Duration outageLasting, @NotNull @DurationMin(millis = 1) Duration probeInterval,
                     @NotNull Fallback fallback) {

    enum Fallback { LOCAL, CLOSED }

    public LimitSettings {
        enabled = enabled == null || enabled;
        cost = cost == null ? new Costs(null, null, null) : cost;
        user = user == null ? new Bucket(30, Duration.ofMinutes(1)) : user;
        apiKey = apiKey == null ? new Bucket(20, Duration.ofMinutes(1)) : apiKey;
        maxInFlight = orDefault(maxInFlight, 10);
        inFlightExpiry = orDefault(inFlightExpiry, Duration.ofMinutes(30));
        inFlightRetryAfter = orDefault(inFlightRetryAfter, Duration.ofSeconds(10));
        redisTimeout = orDefault(redisTimeout, Duration.ofMillis(500));
        outageFailures = orDefault(outageFailures, 3);
        outageLasting = orDefault(outageLasting, Duration.ofSeconds(1));
        probeInterval = orDefault(probeInterval, Duration.ofSeconds(2));
        fallback = fallback == null ? Fallback.LOCAL : fallback;
    }

    /** Units per job of each kind (an image 1, an edit 2, a video 5 unless configured). */
    record Costs(@Positive Integer image, @Positive Integer edit, @Positive Integer video) {
        Costs {
            image = orDefault(image, 1);
            edit = orDefault(edit, 2);
            video = orDefault(video, 5);
        }

        int of(JobKind kind) {
            return switch (kind) {
                case IMAGE -> image;
                case EDIT -> edit;
                case VIDEO -> video;
            };
        }
    }

    /** A token bucket: holds {@code capacity} units and refills at capacity per {@code window}. */
    record Bucket(@Positive int capacity, @NotNull @DurationMin(millis = 1) Duration window) {
        Bucket {
            window = orDefault(window, Duration.ofMinutes(1));
        }
    }

    /** What one job of this kind costs, times {@code count}. */
    public int cost(JobKind kind, int count) {
        return cost.of(kind) * count;
    }

    static String name(JobKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
