package com.desayre.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What to run. Each option is {@code --name=value} or the environment variable {@code BENCH_NAME}
 * (arguments win).
 *
 * @param jobs        pipeline jobs measured (warm-up excluded)
 * @param concurrency jobs in flight at most, in the pipeline and in the raw run it is compared to
 * @param recordBytes raw record size; 0 means the size of a real GenerationRequested
 * @param rawJobs     raw Kafka jobs per run: many more than the pipeline's, or the run lasts milliseconds
 * @param warmup      pipeline warm-up jobs (the raw warm-up is {@code rawJobs / 10})
 * @param deadline    the longest any one run may take; missing jobs are then reported, not waited for
 * @param rate        jobs per second offered to both, open loop (0: closed loop, {@code concurrency} in flight)
 * @param fixedImages the simulator serves one plain pre-rendered PNG per size (1) or draws each job's landscape (0)
 * @param profileMillis sample every stage thread's stack this often while the pipeline is measured (0: no profile)
 */
record BenchOptions(int jobs, int concurrency, int recordBytes, int rawJobs, int warmup, Duration deadline, int rate,
                    boolean fixedImages, int profileMillis) {

    static final String USAGE = """
            usage: java -jar bench-exec.jar [--jobs=N] [--concurrency=C] [--rate=R] [--record-bytes=B]
                                            [--raw-jobs=R] [--warmup=W] [--deadline-s=S] [--fixed-images=1]
                                            [--profile-ms=M]
              --jobs          pipeline jobs measured              (BENCH_JOBS, default 800)
              --concurrency   jobs in flight at most, in the pipeline and the raw chain it is compared to
                                                                  (BENCH_CONCURRENCY, default 8)
              --rate          0: closed loop at --concurrency; R: R jobs/s offered to both, open loop, --jobs each,
                              latency counted from when each job was due (BENCH_RATE, default 0)
              --record-bytes  raw Kafka record size; 0 = a real GenerationRequested's (BENCH_RECORD_BYTES, default 0)
              --raw-jobs      raw Kafka jobs per closed-loop run  (BENCH_RAW_JOBS, default 20000)
              --warmup        pipeline warm-up jobs, not counted  (BENCH_WARMUP, default 10)
              --deadline-s    longest wait for any one run        (BENCH_DEADLINE_S, default 120)
              --fixed-images  1: the simulator serves one plain pre-rendered PNG per size (near-zero cost);
                              0: it draws each job's 1024x1024 landscape (BENCH_FIXED_IMAGES, default 1)
              --profile-ms    M > 0: a wall-clock profile of every stage thread, one stack sample each M ms while the
                              pipeline is measured, printed after the results (BENCH_PROFILE_MS, default 0: none)
            last line: pipeline/raw: throughput T, p50 Ax, p99 Bx   (pipeline / raw chain at the same load)
            """;

    BenchOptions {
        positive("jobs", jobs);
        positive("concurrency", concurrency);
        positive("raw-jobs", rawJobs);
        if (recordBytes < 0 || warmup < 0 || rate < 0 || profileMillis < 0) {
            throw new IllegalArgumentException("record-bytes, warmup, rate and profile-ms must be 0 or more");
        }
        if (deadline.isZero() || deadline.isNegative()) {
            throw new IllegalArgumentException("deadline-s must be more than 0");
        }
    }

    static BenchOptions parse(String[] args, Map<String, String> env) {
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("unknown argument: " + arg);
            }
            String name = arg.substring(2, arg.indexOf('='));
            if (!USAGE.contains("--" + name + " ")) {
                throw new IllegalArgumentException("unknown option: --" + name);
            }
        }
        return new BenchOptions(
                number(args, env, "jobs", 800),
                number(args, env, "concurrency", 8),
                number(args, env, "record-bytes", 0),
                number(args, env, "raw-jobs", 20_000),
                number(args, env, "warmup", 10),
                Duration.ofSeconds(number(args, env, "deadline-s", 120)),
                number(args, env, "rate", 0),
                switch (number(args, env, "fixed-images", 1)) {
                    case 0 -> false;
                    case 1 -> true;
                    default -> throw new IllegalArgumentException("fixed-images must be 0 or 1");
                },
                number(args, env, "profile-ms", 0));
    }

    /** Open loop at {@link #rate()} jobs/s rather than closed loop at {@link #concurrency()}. */
    boolean paced() {
        return rate > 0;
    }

    private static int number(String[] args, Map<String, String> env, String name, int fallback) {
        String value = null;
        for (String arg : args) {
            if (arg.startsWith("--" + name + "=")) {
                value = arg.substring(name.length() + 3);
            }
        }
        if (value == null) {
            value = env.get("BENCH_" + name.replace('-', '_').toUpperCase(Locale.ROOT));
        }
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number: " + value, e);
        }
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be more than 0: " + value);
        }
    }
}
