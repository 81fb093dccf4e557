package com.desayre.bench;

import java.util.Arrays;

/** Percentiles by nearest rank over latencies in nanoseconds: no interpolation, so p99 is a latency that was really seen. */
final class Stats {

    /** The smallest value with at least {@code percent}% of the values at or below it; NaN when there are none. */
    static double percentileMillis(long[] nanos, double percent) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        if (percent <= 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be in (0, 100]: " + percent);
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percent * sorted.length / 100.0);
        return sorted[rank - 1] / 1e6;
    }

    private Stats() {
    }
}
