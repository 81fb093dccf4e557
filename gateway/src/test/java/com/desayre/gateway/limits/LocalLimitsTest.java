package com.desayre.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.gateway.limits.LimitUsage.Ask;
import com.desayre.gateway.limits.LimitUsage.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-memory limiter the gateway falls back on: the same rules as the Redis script, on a clock the test moves. */
class LocalLimitsTest {
    private static final long NOON = 20_000 * LocalLimits.DAY_MS + LocalLimits.DAY_MS / 2;

    private final AtomicLong now = new AtomicLong(NOON);
    private final LimitSettings settings = new LimitSettings(true, new LimitSettings.Costs(1, 2, 5),
            new LimitSettings.Bucket(10, Duration.ofSeconds(60)), new LimitSettings.Bucket(4, Duration.ofSeconds(60)), 3,
            Duration.ofMinutes(30), Duration.ofSeconds(10), 100, Duration.ofMillis(500), 3, Duration.ofSeconds(1), Duration.ofSeconds(2),
            LimitSettings.Fallback.LOCAL);
    private final LocalLimits limits = new LocalLimits(settings, now::get);

    private static Ask ask(String user, String key, int cost, int jobs, long quota) {
        var ids = java.util.stream.IntStream.range(0, jobs).mapToObj(i -> UUID.randomUUID().toString()).toList();
        return new Ask(user, key, cost, ids, quota, false);
    }

    @Test
    void aBucketRefusesOnceEmptyAndSaysHowLongUntilTheCostHasRefilled() {
        assertThat(limits.check(ask("ann", null, 5, 1, 100)).verdict()).isEqualTo(Verdict.ADMITTED);
        assertThat(limits.check(ask("ann", null, 5, 1, 100)).verdict()).isEqualTo(Verdict.ADMITTED);
        var refused = limits.check(ask("ann", null, 1, 1, 100));
        assertThat(refused.verdict()).isEqualTo(Verdict.USER_BUCKET);
        // 10 units per 60 s: one unit takes 6 s
        assertThat(refused.waitMs()).isEqualTo(6_000);
        assertThat(refused.userTokens()).isZero();
        assertThat(refused.userFullMs()).isEqualTo(60_000);
    }

    @Test
    void aBucketRefillsInProportionToTimeUpToItsCapacity() {
        limits.check(ask("bob", null, 10, 1, 100));
        limits.release("bob", "any");
        now.addAndGet(30_000);
        assertThat(limits.check(new Ask("bob", null, 0, List.of(), 100, true)).userTokens()).isEqualTo(5);
        now.addAndGet(10 * 60_000);
        assertThat(limits.check(new Ask("bob", null, 0, List.of(), 100, true)).userTokens()).isEqualTo(10);
    }

    @Test
    void anApiKeyDrainsItsOwnBucketAndItsOwners() {
        assertThat(limits.check(ask("cy", "k1", 4, 1, 100)).verdict()).isEqualTo(Verdict.ADMITTED);
        var refused = limits.check(ask("cy", "k1", 1, 1, 100));
        assertThat(refused.verdict()).isEqualTo(Verdict.API_KEY_BUCKET);
        // another key, and the session, still have the owner's remaining 6 units
        var other = limits.check(ask("cy", "k2", 4, 1, 100));
        assertThat(other.verdict()).isEqualTo(Verdict.ADMITTED);
        assertThat(other.userTokens()).isEqualTo(2);
    }

    @Test
    void theInFlightCapFreesASlotWhenAJobEnds() {
        var first = ask("dee", null, 1, 1, 100);
        limits.check(first);
        limits.check(ask("dee", null, 1, 2, 100));
        var refused = limits.check(ask("dee", null, 1, 1, 100));
        assertThat(refused.verdict()).isEqualTo(Verdict.IN_FLIGHT);
        assertThat(refused.inFlight()).isEqualTo(3);
        limits.release("dee", first.jobIds().get(0));
        limits.release("dee", first.jobIds().get(0));
        assertThat(limits.check(ask("dee", null, 1, 1, 100)).verdict()).isEqualTo(Verdict.ADMITTED);
    }

    @Test
    void aJobNobodyHeardTheEndOfStopsHoldingItsSlotAfterTheExpiry() {
        limits.check(ask("eve", null, 1, 3, 100));
        assertThat(limits.check(ask("eve", null, 1, 1, 100)).verdict()).isEqualTo(Verdict.IN_FLIGHT);
        now.addAndGet(Duration.ofMinutes(31).toMillis());
        assertThat(limits.check(ask("eve", null, 1, 1, 100)).verdict()).isEqualTo(Verdict.ADMITTED);
    }

    @Test
    void theDailyQuotaStartsFromTheLedgersCountAndAddsThisInstancesChargesUntilMidnightUtc() {
        var today = NOON / LocalLimits.DAY_MS;
        assertThat(limits.ledgerStale("fay", today, 1000)).isTrue();
        // every instance's charges today, from the ledger: an outage does not hand out a fresh quota
        limits.ledgerSays("fay", today, 6);
        assertThat(limits.ledgerStale("fay", today, 1000)).isFalse();
        var admitted = limits.check(ask("fay", null, 2, 1, 10));
        assertThat(admitted.verdict()).isEqualTo(Verdict.ADMITTED);
        assertThat(admitted.dailyUsed()).isEqualTo(8);
        var refused = limits.check(ask("fay", null, 3, 1, 10));
        assertThat(refused.verdict()).isEqualTo(Verdict.DAILY_QUOTA);
        assertThat(refused.dailyUsed()).isEqualTo(8);
        assertThat(refused.waitMs()).isEqualTo(LocalLimits.DAY_MS / 2);
        // a read that began before this instance's last charge was written does not forget it
        limits.ledgerSays("fay", today, 6);
        assertThat(limits.check(ask("fay", null, 3, 1, 10)).verdict()).isEqualTo(Verdict.DAILY_QUOTA);
        now.addAndGet(1000);
        assertThat(limits.ledgerStale("fay", today, 1000)).isTrue();
        now.addAndGet(LocalLimits.DAY_MS / 2);
        assertThat(limits.ledgerStale("fay", today + 1, 1000)).isTrue();
        assertThat(limits.check(ask("fay", null, 3, 1, 10)).verdict()).isEqualTo(Verdict.ADMITTED);
    }

    @Test
    void aRefusedRequestChargesNothing() {
        limits.ledgerSays("gus", NOON / LocalLimits.DAY_MS, 0);
        limits.check(ask("gus", null, 1, 1, 1));
        var refused = limits.check(ask("gus", null, 1, 1, 1));
        assertThat(refused.verdict()).isEqualTo(Verdict.DAILY_QUOTA);
        assertThat(refused.userTokens()).isEqualTo(9);
        assertThat(refused.inFlight()).isEqualTo(1);
    }

    @Test
    void aRefundHandsBackUnitsSlotAndQuota() {
        limits.ledgerSays("hal", NOON / LocalLimits.DAY_MS, 0);
        var taken = ask("hal", null, 5, 1, 5);
        var outcome = limits.check(taken);
        limits.refund(taken, outcome.day());
        var after = limits.check(new Ask("hal", null, 0, List.of(), 5, true));
        assertThat(after.userTokens()).isEqualTo(10);
        assertThat(after.inFlight()).isZero();
        assertThat(after.dailyUsed()).isZero();
    }
}
