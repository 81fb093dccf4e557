package com.desayre.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PaceTest {

    @Test
    void openLoopJobsAreDueAtFixedIntervalsWhateverIsInFlight() {
        var pace = Pace.open(1000, 50);
        assertEquals(50, pace.maxInFlight());
        // a start in the past: nothing to wait for, and each job's start is when it was due, not when it was sent
        long first = System.nanoTime() - 1_000_000_000L;
        assertEquals(first, pace.startOf(first, 0));
        assertEquals(first + 1_000_000, pace.startOf(first, 1));
        assertEquals(first + 49_000_000, pace.startOf(first, 49));
        // a job due later is not started before it is due
        long now = System.nanoTime();
        long due = pace.startOf(now, 5);
        assertEquals(now + 5_000_000, due);
        assertTrue(System.nanoTime() >= due);
    }

    @Test
    void closedLoopJobsStartWhenTheirSlotIsFree() {
        var pace = Pace.closed(8);
        assertEquals(8, pace.maxInFlight());
        long before = System.nanoTime();
        assertTrue(pace.startOf(before - 1_000_000_000L, 3) >= before);
        assertEquals("8 in flight", pace.describe());
        assertEquals("500 jobs/s offered", Pace.open(500, 10).describe());
    }

    @Test
    void optionsForTheRateAndTheSimulatorsImages() {
        var defaults = BenchOptions.parse(new String[0], Map.of());
        assertEquals(0, defaults.rate());
        assertTrue(defaults.fixedImages());
        var paced = BenchOptions.parse(new String[] {"--rate=500", "--fixed-images=0"}, Map.of("BENCH_RATE", "9"));
        assertEquals(500, paced.rate());
        assertTrue(paced.paced());
        assertEquals(false, paced.fixedImages());
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--fixed-images=2"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--rate=-1"}, Map.of()));
        assertEquals(20, BenchOptions.parse(new String[] {"--profile-ms=20"}, Map.of()).profileMillis());
    }
}
