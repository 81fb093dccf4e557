package com.desayre.gateway.limits;

import java.util.List;

/**
 * One limit check, as both limiters (Redis and the local fallback) take and answer it.
 */
final class LimitUsage {

    /**
     * What a user asks for: {@code cost} units and one in-flight slot per job id. {@code apiKeyId} null for a session.
     * A dry run answers the verdict and where the user stands, and charges nothing.
     */
    record Ask(String user, String apiKeyId, int cost, List<String> jobIds, long dailyQuota, boolean dryRun) {
    }

    /** Which limit refused a request; the most lasting one when several did. */
    enum Verdict { ADMITTED, USER_BUCKET, API_KEY_BUCKET, IN_FLIGHT, DAILY_QUOTA }

    /**
     * Where the user stands after the check (after charging when admitted).
     *
     * @param userTokens   units left in the user's bucket
     * @param userFullMs   until the user's bucket is full again
     * @param keyTokens    units left in the API key's bucket (0 without a key)
     * @param waitMs       until the refusing limit(s) would let this request through; 0 when admitted
     *                     or when nobody can know (the in-flight cap)
     * @param msToMidnight until the daily quota renews (00:00 UTC)
     * @param day          the UTC day the daily quota was counted on (days since the epoch)
     */
    record Outcome(Verdict verdict, long userTokens, long userFullMs, long keyTokens, long keyFullMs, long inFlight,
                   long dailyUsed, long waitMs, long msToMidnight, long day) {

        static Outcome of(List<Long> values) {
            return new Outcome(Verdict.values()[values.get(0).intValue()], values.get(1), values.get(2), values.get(3),
                    values.get(4), values.get(5), values.get(6), values.get(7), values.get(8), values.get(9));
        }
    }

    private LimitUsage() {
    }
}
