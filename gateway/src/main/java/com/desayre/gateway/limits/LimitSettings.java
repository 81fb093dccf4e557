package com.desayre.gateway.limits;

import com.desayre.contracts.JobKind;
import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

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
 *                        its own, in memory) or {@code closed} (generation answers 503)
 */
@ConfigurationProperties("desayre.limits")
public record LimitSettings(Boolean enabled, Costs cost, Bucket user, Bucket apiKey, int maxInFlight, Duration inFlightExpiry,
                     Duration inFlightRetryAfter, long dailyQuota, Duration redisTimeout, int outageFailures,
                     Duration outageLasting, Duration probeInterval, Fallback fallback) {

    enum Fallback { LOCAL, CLOSED }

    public LimitSettings {
        enabled = enabled == null || enabled;
        cost = cost == null ? new Costs(0, 0, 0) : cost;
        user = user == null ? new Bucket(30, Duration.ofMinutes(1)) : user;
        apiKey = apiKey == null ? new Bucket(20, Duration.ofMinutes(1)) : apiKey;
        maxInFlight = maxInFlight > 0 ? maxInFlight : 10;
        inFlightExpiry = positive(inFlightExpiry, Duration.ofMinutes(30));
        inFlightRetryAfter = positive(inFlightRetryAfter, Duration.ofSeconds(10));
        if (dailyQuota < 0) {
            throw new IllegalStateException("desayre.limits.daily-quota must be 0 or more (units per user per UTC day).");
        }
        redisTimeout = positive(redisTimeout, Duration.ofMillis(500));
        outageFailures = outageFailures > 0 ? outageFailures : 3;
        outageLasting = outageLasting == null || outageLasting.isNegative() ? Duration.ofSeconds(1) : outageLasting;
        probeInterval = positive(probeInterval, Duration.ofSeconds(2));
        fallback = fallback == null ? Fallback.LOCAL : fallback;
    }

    /** Units per job of each kind (an image 1, an edit 2, a video 5 unless configured). */
    record Costs(int image, int edit, int video) {
        Costs {
            image = image > 0 ? image : 1;
            edit = edit > 0 ? edit : 2;
            video = video > 0 ? video : 5;
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
    record Bucket(int capacity, Duration window) {
        Bucket {
            if (capacity <= 0) {
                throw new IllegalStateException("A desayre.limits bucket's capacity must be at least 1.");
            }
            window = positive(window, Duration.ofMinutes(1));
        }
    }

    /** What one job of this kind costs, times {@code count}. */
    public int cost(JobKind kind, int count) {
        return cost.of(kind) * count;
    }

    static String name(JobKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static Duration positive(Duration value, Duration fallback) {
        return value == null || value.isZero() || value.isNegative() ? fallback : value;
    }
}
