package com.desayre.bench;

/**
 * One measured run.
 *
 * @param completed jobs whose end was seen before the deadline
 * @param failed    jobs that ended FAILED/CANCELLED or whose submit was refused
 * @param seconds   first submit to last completion (or to the deadline)
 */
record RunResult(String name, int jobs, int completed, int failed, double seconds, double p50Millis, double p99Millis) {

    static RunResult of(String name, int jobs, int failed, double seconds, long[] latencyNanos) {
        return new RunResult(name, jobs, latencyNanos.length, failed, seconds,
                Stats.percentileMillis(latencyNanos, 50), Stats.percentileMillis(latencyNanos, 99));
    }

    double jobsPerSecond() {
        return seconds > 0 ? completed / seconds : Double.NaN;
    }

    int incomplete() {
        return jobs - completed - failed;
    }
}
