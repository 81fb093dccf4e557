package com.desayre.gateway.limits;

import com.desayre.gateway.limits.LimitUsage.Ask;
import com.desayre.gateway.limits.LimitUsage.Outcome;
import com.desayre.gateway.limits.LimitUsage.Verdict;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The same limits as {@link GenerationLimits}' Redis script, kept in this instance's memory: what
 * the gateway uses while Redis is unreachable. The buckets and jobs in flight are this instance's
 * own, so with N instances a user may get up to N times those until Redis is back (see docs/limits.md).
 * The daily quota is not: it starts from the day's usage in the durable {@link QuotaLedger} (every instance's
 * charges), which the caller reads again at most every {@code ledgerRefresh} ({@link #ledgerSays}); what this
 * instance charges in between is added here.
 * Entries idle for longer than every window are dropped, so memory stays bounded by active users.
 */
final class LocalLimits {
    static final long DAY_MS = 86_400_000L;
    private static final int MAX_ENTRIES = 100_000;

    private final LimitSettings settings;
    private final LongSupplier clock;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private final Map<String, LinkedHashMap<String, Long>> inFlight = new HashMap<>();
    private final Map<String, Daily> daily = new HashMap<>();

    LocalLimits(LimitSettings settings, LongSupplier clockMillis) {
        this.settings = settings;
        this.clock = clockMillis;
    }

    private static final class Bucket {
        double tokens;
        long at;

        void add(int units, int capacity) {
            tokens = Math.min(capacity, tokens + units);
        }
    }

    /** A user's units on {@code day}: the ledger's count when last read, plus what this instance charged since. */
    private static final class Daily {
        long day;
        long used;
        long readAt;
    }

    /** Whether the user's count for {@code day} should be read from the ledger again (never read, another day, older than {@code maxAgeMs}). */
    synchronized boolean ledgerStale(String user, long day, long maxAgeMs) {
        var known = daily.get(user);
        return known == null || known.day != day || clock.getAsLong() - known.readAt >= maxAgeMs;
    }

    /**
     * The ledger counts {@code used} units for the user on {@code day}. Kept as the larger of that and what this instance
     * knew: a read that began before this instance's latest charges were written does not forget them.
     */
    synchronized void ledgerSays(String user, long day, long used) {
        var known = daily.get(user);
        if (known == null || known.day != day) {
            known = new Daily();
            known.day = day;
            daily.put(user, known);
        }
        known.used = Math.max(known.used, used);
        known.readAt = clock.getAsLong();
    }

    /** Checks (and, when admitted and not a dry run, charges) {@code ask}, the daily quota from the user's known usage today. */
    synchronized Outcome check(Ask ask) {
        var now = clock.getAsLong();
        var cost = ask.cost();
        var user = settings.user();
        var userBucket = bucket("u:" + ask.user(), user, now);
        var keyBucket = ask.apiKeyId() == null ? null : bucket("k:" + ask.user() + ":" + ask.apiKeyId(), settings.apiKey(), now);
        var jobs = inFlight.computeIfAbsent(ask.user(), u -> new LinkedHashMap<>());
        jobs.values().removeIf(at -> at <= now - settings.inFlightExpiry().toMillis());
        var day = Math.floorDiv(now, DAY_MS);
        var known = daily.get(ask.user());
        var used = known != null && known.day == day ? known.used : 0;
        var toMidnight = (day + 1) * DAY_MS - now;

        var verdict = Verdict.ADMITTED;
        long wait = 0;
        if (userBucket.tokens < cost) {
            verdict = Verdict.USER_BUCKET;
            wait = msFor(cost, userBucket.tokens, user);
        }
        if (keyBucket != null && keyBucket.tokens < cost) {
            verdict = Verdict.API_KEY_BUCKET;
            wait = Math.max(wait, msFor(cost, keyBucket.tokens, settings.apiKey()));
        }
        if (jobs.size() + ask.jobIds().size() > settings.maxInFlight()) {
            verdict = Verdict.IN_FLIGHT;
        }
        if (used + cost > ask.dailyQuota()) {
            verdict = Verdict.DAILY_QUOTA;
            wait = Math.max(wait, toMidnight);
        }
        // a dry run answers the verdict and charges nothing
        if (!ask.dryRun()) {
            if (verdict == Verdict.ADMITTED) {
                userBucket.tokens -= cost;
                if (keyBucket != null) {
                    keyBucket.tokens -= cost;
                }
                ask.jobIds().forEach(id -> jobs.put(id, now));
                used += cost;
                if (known != null && known.day == day) {
                    known.used = used;
                }
            }
        }
        var keyTokens = keyBucket == null ? 0 : (long) Math.floor(keyBucket.tokens);
        var keyFull = keyBucket == null ? 0 : msToFull(keyBucket.tokens, settings.apiKey());
        var outcome = new Outcome(verdict, (long) Math.floor(userBucket.tokens), msToFull(userBucket.tokens, user), keyTokens, keyFull,
                jobs.size(), used, wait, toMidnight, day);
        tidy(now);
        return outcome;
    }

    /** Hands back what an admitted request took on {@code day} (the ledger's row is marked refunded by the caller). */
    synchronized void refund(Ask ask, long day) {
        var now = clock.getAsLong();
        bucket("u:" + ask.user(), settings.user(), now).add(ask.cost(), settings.user().capacity());
        if (ask.apiKeyId() != null) {
            bucket("k:" + ask.user() + ":" + ask.apiKeyId(), settings.apiKey(), now).add(ask.cost(), settings.apiKey().capacity());
        }
        ask.jobIds().forEach(id -> release(ask.user(), id));
        var known = daily.get(ask.user());
        if (known != null && known.day == day) {
            known.used = Math.max(0, known.used - ask.cost());
        }
    }

    synchronized void release(String user, String jobId) {
        var jobs = inFlight.get(user);
        if (jobs != null) {
            jobs.remove(jobId);
        }
    }

    private Bucket bucket(String key, LimitSettings.Bucket limits, long now) {
        var bucket = buckets.computeIfAbsent(key, k -> {
            var fresh = new Bucket();
            fresh.tokens = limits.capacity();
            fresh.at = now;
            return fresh;
        });
        if (now > bucket.at) {
            bucket.tokens = Math.min(limits.capacity(), bucket.tokens + (now - bucket.at) * (double) limits.capacity()
                    / limits.window().toMillis());
            bucket.at = now;
        }
        return bucket;
    }

    private static long msFor(int need, double tokens, LimitSettings.Bucket limits) {
        return (long) Math.ceil((need - tokens) * limits.window().toMillis() / limits.capacity());
    }

    private static long msToFull(double tokens, LimitSettings.Bucket limits) {
        return (long) Math.ceil((limits.capacity() - tokens) * limits.window().toMillis() / limits.capacity());
    }

    /** Drops full buckets and empty in-flight sets, once there are many. */
    private void tidy(long now) {
        if (buckets.size() + inFlight.size() + daily.size() < MAX_ENTRIES) {
            return;
        }
        var longest = Math.max(settings.user().window().toMillis(), settings.apiKey().window().toMillis());
        buckets.values().removeIf(bucket -> now - bucket.at > longest);
        inFlight.values().removeIf(Map::isEmpty);
        var today = Math.floorDiv(now, DAY_MS);
        daily.values().removeIf(known -> known.day != today);
    }
}
