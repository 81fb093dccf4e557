package com.desayre.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void nearestRankPercentilesAreValuesThatWereSeen() {
        long[] oneToHundredMs = LongStream.rangeClosed(1, 100).map(ms -> ms * 1_000_000).toArray();
        assertEquals(50.0, Stats.percentileMillis(oneToHundredMs, 50));
        assertEquals(99.0, Stats.percentileMillis(oneToHundredMs, 99));
        assertEquals(100.0, Stats.percentileMillis(oneToHundredMs, 100));
        assertEquals(7.0, Stats.percentileMillis(new long[] {7_000_000}, 99));
        // p99 of ten values is the largest: ceil(0.99 * 10) = 10
        assertEquals(10.0, Stats.percentileMillis(LongStream.rangeClosed(1, 10).map(ms -> ms * 1_000_000).toArray(), 99));
        assertTrue(Double.isNaN(Stats.percentileMillis(new long[0], 50)));
    }
}
