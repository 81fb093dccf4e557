package com.desayre.bench;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A busy morning: {@code --users} people submit {@code --jobs} images at once over REST to the real pipeline (every
 * service in one JVM, as {@code ./desayre up} runs it) while the provider simulator takes {@code --latency-ms} per
 * image and the image-worker keeps {@code --slots} jobs at the provider, with a provider deadline far shorter than
 * the backlog takes to clear. Every job is followed on {@code generation.status} to its end. It prints how the jobs
 * ended (failures by code), how many times the simulator was asked for each job (exactly once, or it was paid for
 * twice), whether each job's place in line only moved forward, throughput against the ideal (slots / latency) and
 * end-to-end latency, then one machine-readable {@code crowd: …} line.
 *
 * <p>The per-user generation limits are off (30 users could not have 1,000 jobs in flight under the default cap of
 * 10 each); admission control stays on, by default with a bound above the crowd ({@code --max-waiting} lower shows it
 * refuse), and every refusal is counted by its problem type.
 *
 * <pre>./desayre bench crowd [--jobs=1000] [--users=30] [--latency-ms=2000] [--slots=5] [--deadline-s=…] [--timeout-s=…]</pre>
 */
final class CrowdBench {
    private static final int HTTP_IN_FLIGHT = 32;

    record Options(int jobs, int users, int latencyMs, int slots, int deadlineSeconds, int timeoutSeconds, int maxWaiting) {
        static final String USAGE = """
                usage: ./desayre bench crowd [--jobs=N] [--users=M] [--latency-ms=L] [--slots=S] [--deadline-s=D] [--timeout-s=T]
                                             [--max-waiting=W]
                  --jobs        images submitted, all at once                 (default 1000)
                  --users       people submitting them, round robin            (default 30)
                  --latency-ms  the simulator's time per image                 (default 2000)
                  --slots       jobs the image-worker keeps at the provider    (default 5)
                  --deadline-s  the provider deadline per job                  (default 3 x latency, at least 5 s)
                  --timeout-s   the longest the bench waits for every job      (default 3 x the ideal time + 120 s)
                  --max-waiting admission control's bound on a line            (default 2 x jobs, at least 2000: none refused)
                """;

        static Options parse(String[] args) {
            var values = new TreeMap<String, Integer>();
            for (var arg : args) {
                if (!arg.startsWith("--") || !arg.contains("=") || !USAGE.contains(arg.substring(0, arg.indexOf('=')) + " ")) {
                    throw new IllegalArgumentException("unknown argument: " + arg);
                }
                var value = Integer.parseInt(arg.substring(arg.indexOf('=') + 1));
                if (value < 1) {
                    throw new IllegalArgumentException(arg + ": must be 1 or more");
                }
                values.put(arg.substring(2, arg.indexOf('=')), value);
            }
            int jobs = values.getOrDefault("jobs", 1000);
            int latency = values.getOrDefault("latency-ms", 2000);
            int slots = values.getOrDefault("slots", 5);
            int deadline = values.getOrDefault("deadline-s", Math.max(5, (int) Math.ceil(3 * latency / 1000.0)));
            int ideal = (int) Math.ceil((double) jobs * latency / slots / 1000);
            return new Options(jobs, values.getOrDefault("users", 30), latency, slots, deadline,
                    values.getOrDefault("timeout-s", 3 * ideal + 120), values.getOrDefault("max-waiting", Math.max(2000, 2 * jobs)));
        }

        /** Seconds the backlog takes at best: every slot busy all the time. */
        double idealSeconds() {
            return (double) jobs * latencyMs / slots / 1000;
        }
    }

    /** One job as this bench saw it. Times are {@link System#nanoTime()}. */
    private static final class Job {
        volatile long sentAt;
        volatile long endedAt;
        volatile JobStatus end;
        volatile String errorCode;
        final List<Integer> positions = new ArrayList<>();
    }

    private final Options options;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();
    private StudioClient studio;

    private CrowdBench(Options options) {
        this.options = options;
    }

    static void run(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.print(Options.USAGE);
            return;
        }
        new CrowdBench(Options.parse(args)).measure();
    }

    private void measure() throws Exception {
        var backlog = options.idealSeconds();
        say("%d images from %d users; simulator %d ms per image; %d provider slots; provider deadline %d s (the backlog takes"
                        + " at least %.0f s)", options.jobs(), options.users(), options.latencyMs(), options.slots(),
                options.deadlineSeconds(), backlog);
        if (options.deadlineSeconds() >= backlog) {
            say("note: the provider deadline is not shorter than the backlog: a deadline counted from arrival would not show");
        }
        var simulator = SimulatorSettings.defaults().withMode(SimulatorSettings.Mode.ASYNC)
                .withLatency(Duration.ofMillis(options.latencyMs())).withQueueLimit(options.slots());
        try (var studioRun = BenchStudio.start("crowd", simulator, Map.of(
                        "resilience4j.bulkhead.instances.modelslabs.max-concurrent-calls", options.slots(),
                        "desayre.modelslabs.job-deadline", options.deadlineSeconds() + "s",
                        "desayre.modelslabs.models.nano-banana-pro.job-deadline", options.deadlineSeconds() + "s"),
                Map.of("desayre.queues.max-waiting", options.maxWaiting()));
             var follower = new StatusFollower(studioRun.bootstrapServers(), "bench-crowd-statuses", this::seen)) {
            studio = studioRun.client();
            var tokens = users(studioRun.adminToken());
            follower.awaitPositioned();
            long first = System.nanoTime();
            submit(tokens);
            long submitted = System.nanoTime();
            say("submitted %d in %.1f s: %d accepted, %d refused %s", options.jobs(), (submitted - first) / 1e9, jobs.size(),
                    refused.values().stream().mapToInt(AtomicInteger::get).sum(), refused);
            boolean all = awaitEnds(first);
            follower.check();
            report(first, studioRun.simulator(), all);
        }
    }

    // ---- people ----

    private List<String> users(String adminToken) throws Exception {
        var tokens = new ArrayList<String>();
        for (int i = 0; i < options.users(); i++) {
            tokens.add(studio.newMember(adminToken, String.format(Locale.ROOT, "crowd-%03d", i)));
        }
        return tokens;
    }

    /** Every job at once (as fast as {@value #HTTP_IN_FLIGHT} requests in flight allow), round robin over the users. */
    private void submit(List<String> tokens) throws InterruptedException {
        var inFlight = new Semaphore(HTTP_IN_FLIGHT);
        var answered = new CountDownLatch(options.jobs());
        for (int i = 0; i < options.jobs(); i++) {
            inFlight.acquire();
            var body = "{\"prompt\":\"crowd " + i + ": a lighthouse at dusk\",\"seed\":" + i + "}";
            long sent = System.nanoTime();
            studio.http().sendAsync(studio.post("/api/generate/image", body, tokens.get(i % tokens.size())),
                            HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, error) -> {
                        try {
                            answered(sent, response, error);
                        } finally {
                            inFlight.release();
                            answered.countDown();
                        }
                    });
        }
        if (!answered.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the gateway did not answer every submission within 5 min");
        }
    }

    private void answered(long sent, HttpResponse<String> response, Throwable error) {
        if (error != null || response.statusCode() != 202) {
            String why = error != null ? error.getClass().getSimpleName() : "HTTP " + response.statusCode();
            if (response != null && response.body().contains("/problems/")) {
                why += " " + response.body().replaceAll(".*\"type\":\"/problems/([^\"]+)\".*", "$1");
            }
            refused.computeIfAbsent(why, w -> new AtomicInteger()).incrementAndGet();
            return;
        }
        var jobId = EventJson.mapper().readTree(response.body()).get("jobId").asString();
        jobs.computeIfAbsent(jobId, id -> new Job()).sentAt = sent;
    }

    /** Until every accepted job has ended, or the timeout; true when all did. */
    private boolean awaitEnds(long first) throws InterruptedException {
        long until = first + TimeUnit.SECONDS.toNanos(options.timeoutSeconds());
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until) {
            long open = jobs.values().stream().filter(job -> job.sentAt != 0 && job.end == null).count();
            if (open == 0) {
                return true;
            }
            if (System.nanoTime() > nextReport) {
                say("%.0f s: %d of %d jobs still running", (System.nanoTime() - first) / 1e9, open, jobs.size());
                nextReport += TimeUnit.SECONDS.toNanos(30);
            }
            Thread.sleep(200);
        }
        return false;
    }

    // ---- figures ----

    private void report(long first, ProviderSimulator simulator, boolean all) {
        var accepted = jobs.entrySet().stream().filter(e -> e.getValue().sentAt != 0).toList();
        int completed = 0;
        int cancelled = 0;
        int unfinished = 0;
        var failedByCode = new TreeMap<String, Integer>();
        var latencies = new ArrayList<Long>();
        long lastEnd = first;
        int waitingSeen = 0;
        int notMonotone = 0;
        int paidThenFailed = 0;
        var submissions = new TreeMap<Long, Integer>();
        for (var entry : accepted) {
            var job = entry.getValue();
            long sent = simulator.submissionsOf(entry.getKey());
            submissions.merge(sent, 1, Integer::sum);
            synchronized (job.positions) {
                if (!job.positions.isEmpty()) {
                    waitingSeen++;
                }
                for (int i = 1; i < job.positions.size(); i++) {
                    if (job.positions.get(i) >= job.positions.get(i - 1)) {
                        notMonotone++;
                        break;
                    }
                }
            }
            if (job.end == null) {
                unfinished++;
                continue;
            }
            lastEnd = Math.max(lastEnd, job.endedAt);
            switch (job.end) {
                case COMPLETED -> {
                    completed++;
                    latencies.add(job.endedAt - job.sentAt);
                }
                case CANCELLED -> cancelled++;
                default -> {
                    failedByCode.merge(String.valueOf(job.errorCode), 1, Integer::sum);
                    if (sent > 0) {
                        paidThenFailed++;
                    }
                }
            }
        }
        int failed = failedByCode.values().stream().mapToInt(Integer::intValue).sum();
        int doubleSubmitted = submissions.entrySet().stream().filter(e -> e.getKey() > 1).mapToInt(Map.Entry::getValue).sum();
        double seconds = (lastEnd - first) / 1e9;
        double throughput = seconds > 0 ? completed / seconds : 0;
        double ideal = options.slots() * 1000.0 / options.latencyMs();
        var nanos = latencies.stream().mapToLong(Long::longValue).toArray();

        System.out.println();
        System.out.printf(Locale.ROOT, "jobs accepted   %d of %d (refused: %s)%n", accepted.size(), options.jobs(), refused);
        System.out.printf(Locale.ROOT, "ended           completed %d · failed %d %s · cancelled %d · unfinished %d%s%n", completed,
                failed, failedByCode, cancelled, unfinished, all ? "" : " (timed out after " + options.timeoutSeconds() + " s)");
        System.out.printf(Locale.ROOT, "provider        submissions per job (count: jobs) %s; double-submitted %d;"
                + " failed after the provider took them (paid for, nothing to show) %d%n", submissions, doubleSubmitted, paidThenFailed);
        System.out.printf(Locale.ROOT, "place in line   WAITING seen for %d jobs; positions strictly decreasing for all: %s"
                + " (%d not)%n", waitingSeen, notMonotone == 0, notMonotone);
        System.out.printf(Locale.ROOT, "throughput      %.2f jobs/s over %.1f s; ideal %.2f (%d slots / %.1f s): %.2f of ideal%n",
                throughput, seconds, ideal, options.slots(), options.latencyMs() / 1000.0, throughput / ideal);
        System.out.printf(Locale.ROOT, "end to end      p50 %.1f s, p99 %.1f s (POST sent -> COMPLETED seen)%n",
                Stats.percentileMillis(nanos, 50) / 1000, Stats.percentileMillis(nanos, 99) / 1000);
        System.out.printf(Locale.ROOT, "crowd: jobs=%d completed=%d failed=%d cancelled=%d unfinished=%d refused=%d double_submitted=%d"
                        + " paid_then_failed=%d waiting_seen=%d positions_monotone=%s throughput/ideal=%.2f p50_s=%.1f p99_s=%.1f%n",
                options.jobs(), completed, failed, cancelled, unfinished, options.jobs() - accepted.size(), doubleSubmitted,
                paidThenFailed, waitingSeen, notMonotone == 0, throughput / ideal, Stats.percentileMillis(nanos, 50) / 1000,
                Stats.percentileMillis(nanos, 99) / 1000);
    }

    // ---- statuses ----

    /** Each job's places in line and how it ended, from {@code generation.status}. */
    private void seen(StatusChanged event, long now) {
        var job = jobs.computeIfAbsent(event.jobId(), id -> new Job());
        if (event.status() == JobStatus.WAITING && event.queue() != null) {
            synchronized (job.positions) {
                job.positions.add(event.queue().position());
            }
        }
        if (event.status().isTerminal() && job.end == null) {
            job.errorCode = event.error() == null ? null : event.error().code();
            job.endedAt = now;
            job.end = event.status();
        }
    }

    private static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[crowd] " + format + "%n", args);
    }
}
