package com.desayre.bench;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobError;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code ./desayre chaos}: a steady load through the REST API of a {@code ./desayre up --cluster} (started here)
 * while faults from a plan hit it one at a time, then a wait for every accepted job, then one table and one line:
 * {@code accepted=… completed=… failed_by_us=… failed_by_provider=… lost=0 duplicated=0 double_submitted=0 stuck=0}.
 * <ul>
 *   <li><b>lost</b>: accepted with 202, never terminal, and not moving (the API does not know it, or it never left the
 *       queue); <b>stuck</b>: not terminal at the end but past the queue;</li>
 *   <li><b>duplicated</b>: more media than asked for, <b>double submitted</b>: the simulator's own count of submissions
 *       for the job above 1;</li>
 *   <li><b>failed by us</b>: FAILED with a code that is not the provider's.</li>
 * </ul>
 * Faults (docs/reliability.md): R1 {@code kill -9} of each service instance and of a Kafka node; R2 PostgreSQL, Redis, the
 * S3 server and a Kafka node stopped, then back; R3 provider faults through the simulator's {@code /sim/faults}; R6 twice
 * the load. {@code --smoke}: one worker killed and PostgreSQL away for 20 s under a small load, a few minutes in all.
 */
final class ChaosBench {
    /** What the provider, not DESAYRE, is to blame for. */
    private static final Set<String> PROVIDER_CODES = Set.of(JobError.PROVIDER_REJECTED, JobError.PROVIDER_UNAVAILABLE,
            JobError.BAD_PROVIDER_OUTPUT, JobError.PROVIDER_AUTH, JobError.CONTENT_POLICY, JobError.PROVIDER_FAILED,
            JobError.PROVIDER_EXPIRED);
    private static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "CANCELLED");
    private static final Set<String> NOT_STARTED = Set.of("QUEUED", "ACCEPTED", "UNKNOWN");

    private final Options options;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    /** Ask for unfinished jobs' statuses, during the load and after it. */
    private final ExecutorService watchers = Executors.newFixedThreadPool(4);
    private final Map<Integer, AtomicInteger> refusals = new ConcurrentHashMap<>();
    /** The first answer of each refused status, to say why. */
    private final Map<Integer, String> refusalExamples = new ConcurrentHashMap<>();
    private final AtomicInteger unreachable = new AtomicInteger();
    /** Status polls a gateway answered with something else than 200 or 404, by status: a 401 here is the harness's fault. */
    private final Map<Integer, AtomicInteger> pollRefusals = new ConcurrentHashMap<>();
    private final List<FaultRecord> faultsDone = Collections.synchronizedList(new ArrayList<>());
    private ClusterHandle cluster;
    private List<String> tokens;
    private List<String> gateways;
    private long startNanos;
    /** Seconds into the run when the load stopped. */
    private volatile double loadEndedAt;

    /** One fault of the plan: what it does at {@code atSecond} of the load, and what ends it {@code forSeconds} later. */
    record Fault(String klass, String name, int atSecond, int forSeconds, Step begin, Step end) {
    }

    @FunctionalInterface
    interface Step {
        void run(ChaosBench chaos) throws Exception;
    }

    /** A fault as it happened: when it began and ended (seconds into the load). */
    record FaultRecord(Fault fault, double began, double ended) {
    }

    /** One accepted job: when, through which gateway, and how it ended. */
    static final class Job {
        final String id;
        final String kind;
        final String token;
        final double acceptedAt;
        volatile String status = "ACCEPTED";
        volatile String code;
        volatile String message;
        volatile int media;
        volatile double endedAt = -1;
        volatile long submissions = -1;
        /** The job's cost says it may have been billed twice (the worker sent it again after an unknown outcome). */
        volatile boolean flaggedDuplicate;

        Job(String id, String kind, String token, double acceptedAt) {
            this.id = id;
            this.kind = kind;
            this.token = token;
            this.acceptedAt = acceptedAt;
        }
    }

    record Options(boolean smoke, double rate, int seconds, int settleSeconds, long seed, boolean shuffle, Path root, Path dataDir,
                   long simLatencyMs, int videoEvery) {
        static final String USAGE = """
                usage: ./desayre chaos [--smoke] [--rate=2] [--seconds=N] [--settle=300] [--seed=N] [--shuffle]
                                       [--sim-latency-ms=1500] [--video-every=5] [--data=DIR] [--root=PROJECT_DIR]
                  --smoke     one worker kill and PostgreSQL away for 20 s under a small load (a few minutes)
                  default     every fault class (R1 each service instance and a Kafka node killed, R2 PostgreSQL, Redis,
                              S3 and a Kafka node stopped for 30 s, R3 provider faults, R6 twice the load)
                  --shuffle   the faults in a random order (from --seed)
                """;

        static Options parse(String[] args) {
            var values = new TreeMap<String, String>();
            for (var arg : args) {
                if (arg.equals("--smoke") || arg.equals("--shuffle")) {
                    values.put(arg.substring(2), "true");
                } else if (arg.startsWith("--") && arg.contains("=")) {
                    values.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
                } else {
                    throw new IllegalArgumentException("unknown argument: " + arg);
                }
            }
            var known = Set.of("smoke", "shuffle", "rate", "seconds", "settle", "seed", "sim-latency-ms", "video-every", "data", "root");
            values.keySet().stream().filter(key -> !known.contains(key)).findFirst().ifPresent(key -> {
                throw new IllegalArgumentException("unknown option --" + key);
            });
            boolean smoke = values.containsKey("smoke");
            return new Options(smoke, Double.parseDouble(values.getOrDefault("rate", "2")),
                    Integer.parseInt(values.getOrDefault("seconds", "0")), Integer.parseInt(values.getOrDefault("settle", "300")),
                    Long.parseLong(values.getOrDefault("seed", "1")), values.containsKey("shuffle"),
                    Path.of(values.getOrDefault("root", ".")).toAbsolutePath().normalize(),
                    Path.of(values.getOrDefault("data", "target/chaos-" + System.currentTimeMillis())).toAbsolutePath(),
                    Long.parseLong(values.getOrDefault("sim-latency-ms", "1500")), Integer.parseInt(values.getOrDefault("video-every", "5")));
        }
    }

    private ChaosBench(Options options) {
        this.options = options;
    }

    static void run(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.print(Options.USAGE);
            return;
        }
        var result = new ChaosBench(Options.parse(args)).measure();
        if (!result.clean()) {
            System.exit(3);
        }
    }

    /** What a run found: the figures of its last line. */
    record Result(int accepted, int completed, int failedByUs, int failedByProvider, int lost, int duplicated,
                  int doubleSubmitted, int stuck, int doubleSubmittedAndFlagged) {
        boolean clean() {
            return lost == 0 && duplicated == 0 && doubleSubmitted == 0 && stuck == 0 && failedByUs == 0;
        }

        String line() {
            return "accepted=%d completed=%d failed_by_us=%d failed_by_provider=%d lost=%d duplicated=%d double_submitted=%d stuck=%d"
                    .formatted(accepted, completed, failedByUs, failedByProvider, lost, duplicated, doubleSubmitted, stuck);
        }
    }

    /** Runs the plan against a cluster of its own and prints the table and the line; {@link Result} for tests. */
    static Result smoke(Path root, Path dataDir) throws Exception {
        return new ChaosBench(Options.parse(new String[] {"--smoke", "--root=" + root, "--data=" + dataDir})).measure();
    }

    private Result measure() throws Exception {
        var plan = plan();
        int seconds = options.seconds() > 0 ? options.seconds()
                : plan.stream().mapToInt(fault -> fault.atSecond() + fault.forSeconds()).max().orElse(30) + 20;
        say("starting ./desayre up --cluster in %s (a dozen JVMs: minutes on two cores)", options.dataDir());
        var started = System.nanoTime();
        // the generation limits stay on (their Redis and PostgreSQL are part of what fails) but refuse no job of the load
        try (var running = ClusterHandle.start(options.root(), options.dataDir(), options.simLatencyMs(),
                Map.of("DESAYRE_LIMIT_USER_CAPACITY", "1000000", "DESAYRE_LIMIT_API_KEY_CAPACITY", "1000000",
                        "DESAYRE_MAX_IN_FLIGHT", "100000", "DESAYRE_DAILY_QUOTA", "1000000"))) {
            cluster = running;
            say("cluster ready in %.0f s; %d faults over %d s of load at %.1f jobs/s", seconds(started), plan.size(), seconds, options.rate());
            gateways = List.copyOf(running.gateways().values());
            tokens = users(8);
            var load = Executors.newSingleThreadExecutor();
            var senders = Executors.newFixedThreadPool(8);
            startNanos = System.nanoTime();
            load.submit(() -> offer(senders, seconds, plan));
            var watch = Executors.newSingleThreadScheduledExecutor();
            watch.scheduleWithFixedDelay(this::sweepQuietly, 2, 2, TimeUnit.SECONDS);
            runPlan(plan);
            load.shutdown();
            load.awaitTermination(seconds + 120L, TimeUnit.SECONDS);
            senders.shutdown();
            senders.awaitTermination(2, TimeUnit.MINUTES);
            loadEndedAt = now();
            watch.shutdown();
            watch.awaitTermination(5, TimeUnit.MINUTES);
            settle();
            watchers.shutdown();
            countSubmissions();
            var result = report();
            say("logs: %s", running.logs());
            return result;
        }
    }

    private List<Fault> plan() {
        var plan = new ArrayList<Fault>();
        if (options.smoke()) {
            plan.add(kill("R1", "image-worker-1", 15));
            plan.add(outage("R2", "postgres", 40, 20));
            return plan;
        }
        int at = 15;
        for (var name : List.of("image-worker-1", "storage-sink-1", "prompt-encoder-1", "video-worker-1", "gateway-1", "image-worker-2",
                "storage-sink-2", "prompt-encoder-2", "webhook-dispatcher-1", "video-worker-2", "gateway-2", "kafka-1")) {
            plan.add(kill("R1", name, at));
            at += 30;
        }
        for (var name : List.of("postgres", "redis", "s3", "kafka-2")) {
            plan.add(outage("R2", name, at, 30));
            at += 60;
        }
        plan.add(simFault("provider answers 503 ten times", "{\"faults\":\"fail=503 retry-after=1\",\"times\":10}", at, 30));
        at += 45;
        plan.add(simFault("30% of polls fail with 500", "{\"faults\":\"chance=30 poll-fail=500\"}", at, 30));
        at += 45;
        plan.add(simFault("connections reset on 5 submits", "{\"faults\":\"reset\",\"times\":5}", at, 30));
        at += 45;
        plan.add(simFault("3 jobs fail at the provider", "{\"faults\":\"failed\",\"times\":3}", at, 30));
        at += 45;
        plan.add(new Fault("R6", "twice the load", at, 600, chaos -> { }, chaos -> { }));
        if (options.shuffle()) {
            shuffleTimes(plan);
        }
        return plan;
    }

    /** The same faults at the same moments, in a random order from the seed (R6 stays last: it is the long one). */
    private void shuffleTimes(List<Fault> plan) {
        var movable = new ArrayList<>(plan.subList(0, plan.size() - 1));
        var slots = movable.stream().map(Fault::atSecond).toList();
        Collections.shuffle(movable, new Random(options.seed()));
        for (int i = 0; i < movable.size(); i++) {
            var fault = movable.get(i);
            plan.set(i, new Fault(fault.klass(), fault.name(), slots.get(i), fault.forSeconds(), fault.begin(), fault.end()));
        }
    }

    private static Fault kill(String klass, String name, int at) {
        return new Fault(klass, "kill -9 " + name, at, 0, chaos -> chaos.cluster.act(name, "kill"), chaos -> { });
    }

    private static Fault outage(String klass, String name, int at, int seconds) {
        return new Fault(klass, name + " stopped " + seconds + " s", at, seconds, chaos -> chaos.cluster.act(name, "stop"),
                chaos -> chaos.cluster.act(name, "start"));
    }

    private static Fault simFault(String name, String rule, int at, int seconds) {
        return new Fault("R3", name, at, seconds, chaos -> chaos.simulator("POST", rule), chaos -> chaos.simulator("DELETE", null));
    }

    private void simulator(String method, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(cluster.simulator() + "/sim/faults")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        var answer = new StudioClient("").http().send(request, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() >= 300) {
            throw new IllegalStateException("the simulator refused " + body + ": " + answer.statusCode() + " " + answer.body());
        }
    }

    private void runPlan(List<Fault> plan) {
        var ordered = new ArrayList<>(plan);
        ordered.sort((a, b) -> Integer.compare(a.atSecond(), b.atSecond()));
        for (var fault : ordered) {
            waitUntil(fault.atSecond());
            double began = now();
            try {
                fault.begin().run(this);
                say("%5.1f s  %s %s", began, fault.klass(), fault.name());
                if (fault.forSeconds() > 0) {
                    waitUntil(fault.atSecond() + fault.forSeconds());
                    fault.end().run(this);
                    say("%5.1f s  %s %s: over", now(), fault.klass(), fault.name());
                }
            } catch (Exception e) {
                say("%5.1f s  %s %s could not be applied: %s", now(), fault.klass(), fault.name(), e.getMessage());
            }
            faultsDone.add(new FaultRecord(fault, began, now()));
        }
    }

    /** The open-loop load: jobs due at a fixed rate (twice it while R6 runs), sent by a pool so a slow answer delays none. */
    private void offer(ExecutorService senders, int seconds, List<Fault> plan) {
        var doubled = plan.stream().filter(fault -> fault.klass().equals("R6")).findFirst();
        double due = 0;
        int n = 0;
        while (due < seconds) {
            waitUntil(due);
            int number = n++;
            senders.submit(() -> submit(number));
            double rate = doubled.isPresent() && due >= doubled.get().atSecond() && due < doubled.get().atSecond() + doubled.get().forSeconds()
                    ? options.rate() * 2 : options.rate();
            due += 1 / rate;
        }
    }

    private void submit(int number) {
        var video = options.videoEvery() > 0 && number % options.videoEvery() == options.videoEvery() - 1;
        var body = StudioClient.json(Map.of("prompt", "chaos " + number + ": a lighthouse on a cliff at dusk, waves below"));
        var token = tokens.get(number % tokens.size());
        // a client whose gateway is down tries the other one, as a load balancer would
        for (int attempt = 0; attempt < gateways.size(); attempt++) {
            var gateway = gateways.get((number + attempt) % gateways.size());
            var client = new StudioClient(gateway);
            try {
                var answer = client.http().send(client.post("/api/generate/" + (video ? "video" : "image"), body, token),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 202) {
                    var id = EventJson.mapper().readTree(answer.body()).get("jobId").asString();
                    jobs.put(id, new Job(id, video ? "video" : "image", token, now()));
                } else {
                    refusals.computeIfAbsent(answer.statusCode(), code -> new AtomicInteger()).incrementAndGet();
                    refusalExamples.putIfAbsent(answer.statusCode(), answer.body().length() > 300 ? answer.body().substring(0, 300) : answer.body());
                }
                return;
            } catch (java.io.IOException e) {
                // this gateway is down: the other one
            } catch (Exception e) {
                break;
            }
        }
        unreachable.incrementAndGet();
    }

    /**
     * Polls every unfinished job until all are terminal, or until none has ended for {@code --settle} seconds (the
     * ones left are stuck), at most six times that long. A backlog that still drains is waited for, not called stuck:
     * the first full run, on a machine starved by four builds, had 2,700 jobs still queued behind a pipeline that
     * completed 0.7 jobs/s of the 2 offered, and called them all stuck after 300 s.
     */
    private void settle() throws Exception {
        say("load over at %.0f s: %d jobs accepted, %d already ended; waiting for the rest while they keep ending "
                + "(stuck: none ended for %d s)", now(), jobs.size(), jobs.size() - openJobs(), options.settleSeconds());
        long settleNanos = TimeUnit.SECONDS.toNanos(options.settleSeconds());
        long hardStop = System.nanoTime() + 6 * settleNanos;
        int fewestOpen = Integer.MAX_VALUE;
        long progressAt = System.nanoTime();
        long saidAt = System.nanoTime();
        while (System.nanoTime() < hardStop) {
            int open = sweep();
            if (open == 0) {
                return;
            }
            if (open < fewestOpen) {
                fewestOpen = open;
                progressAt = System.nanoTime();
            } else if (System.nanoTime() - progressAt > settleNanos) {
                say("no job ended for %d s: %d left open", options.settleSeconds(), open);
                return;
            }
            if (System.nanoTime() - saidAt > TimeUnit.SECONDS.toNanos(60)) {
                say("%.0f s: %d jobs still open", now(), open);
                saidAt = System.nanoTime();
            }
            LockSupport.parkNanos(Duration.ofSeconds(2).toNanos());
        }
        say("gave up waiting after %d s: %d left open", 6 * options.settleSeconds(), openJobs());
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            say("a status sweep failed: %s", e);
        }
    }

    private int openJobs() {
        return (int) jobs.values().stream().filter(job -> !TERMINAL.contains(job.status)).count();
    }

    /**
     * Asks for every unfinished job once, a few at a time, and returns how many are still open. It runs every 2 s
     * during the load too, so a job's end time is when it ended (to within a sweep), not when the load stopped.
     */
    private int sweep() throws InterruptedException {
        var open = jobs.values().stream().filter(job -> !TERMINAL.contains(job.status)).toList();
        watchers.invokeAll(open.stream().<Callable<Void>>map(job -> () -> {
            refresh(job);
            return null;
        }).toList());
        return openJobs();
    }

    private void refresh(Job job) {
        for (var gateway : gateways) {
            try {
                var answer = new StudioClient(gateway).get("/api/jobs/" + job.id, job.token);
                if (answer.statusCode() == 404) {
                    job.status = "UNKNOWN";
                    return;
                }
                if (answer.statusCode() != 200) {
                    pollRefusals.computeIfAbsent(answer.statusCode(), code -> new AtomicInteger()).incrementAndGet();
                    continue;
                }
                var node = EventJson.mapper().readTree(answer.body());
                var status = node.get("status").asString();
                if (TERMINAL.contains(status) && !TERMINAL.contains(job.status)) {
                    job.endedAt = now();
                }
                job.status = status;
                var error = node.get("error");
                job.code = error == null || error.isNull() ? null : error.get("code").asString();
                job.message = error == null || error.isNull() ? null : error.path("message").asString();
                var cost = node.get("cost");
                job.flaggedDuplicate = cost != null && !cost.isNull() && cost.path("possibleDuplicates").asDouble(0) > 0;
                var media = node.get("media");
                job.media = media == null || media.isNull() ? 0 : media.size();
                return;
            } catch (Exception e) {
                // that gateway is away: the next
            }
        }
    }

    /** The simulator's own count of submissions per job: a job billed twice shows 2. */
    private void countSubmissions() throws Exception {
        var sim = cluster.simulator();
        var client = new StudioClient(sim);
        for (var job : jobs.values()) {
            if (!job.kind.equals("image")) {
                continue; // xAI's requests carry no job id the simulator could count by
            }
            var answer = client.http().send(HttpRequest.newBuilder(URI.create(sim + "/sim/submissions/" + job.id)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200) {
                job.submissions = EventJson.mapper().readTree(answer.body()).get("submissions").asLong();
            }
        }
    }

    /**
     * A submit whose outcome is unknown because the provider's connection failed mid-submit (R3 resets it): the
     * provider's cause, though the code ({@code SUBMISSION_UNKNOWN}, not sent again so not charged twice) is the one a
     * worker that stopped mid-submit also gives; that one says "DESAYRE restarted" and is counted as ours.
     */
    static boolean lostContactWithProvider(Job job) {
        return JobError.SUBMISSION_UNKNOWN.equals(job.code) && job.message != null && job.message.startsWith("We lost contact with");
    }

    private Result report() {
        int completed = 0, failedByUs = 0, failedByProvider = 0, lost = 0, duplicated = 0, doubleSubmitted = 0, stuck = 0, cancelled = 0;
        int flagged = 0;
        var ourCodes = new TreeMap<String, Integer>();
        for (var job : jobs.values()) {
            switch (job.status) {
                case "COMPLETED" -> completed++;
                case "CANCELLED" -> cancelled++;
                case "FAILED" -> {
                    if (PROVIDER_CODES.contains(job.code) || lostContactWithProvider(job)) {
                        failedByProvider++;
                    } else {
                        failedByUs++;
                        ourCodes.merge(String.valueOf(job.code), 1, Integer::sum);
                    }
                }
                default -> {
                    if (NOT_STARTED.contains(job.status)) {
                        lost++;
                    } else {
                        stuck++;
                    }
                }
            }
            duplicated += job.media > 1 ? 1 : 0;
            doubleSubmitted += job.submissions > 1 ? 1 : 0;
            flagged += job.submissions > 1 && job.flaggedDuplicate ? 1 : 0;
        }
        say("");
        say("%-8s %-34s %8s %8s %9s %9s %10s", "class", "fault", "from s", "to s", "jobs in", "p50 ms", "recovery s");
        synchronized (faultsDone) {
            for (var done : faultsDone) {
                var during = jobs.values().stream().filter(job -> job.acceptedAt >= done.began() && job.acceptedAt <= done.ended() + 1)
                        .filter(job -> job.endedAt > 0).mapToLong(job -> (long) ((job.endedAt - job.acceptedAt) * 1e9)).toArray();
                // recovered when the first job accepted after the fault ended has finished
                var recovery = jobs.values().stream().filter(job -> job.acceptedAt >= done.ended() && job.endedAt > 0)
                        .mapToDouble(job -> job.endedAt - done.ended()).min();
                say("%-8s %-34s %8.1f %8.1f %9d %9s %10s", done.fault().klass(), done.fault().name(), done.began(), done.ended(), during.length,
                        during.length == 0 ? "-" : "%.0f".formatted(Stats.percentileMillis(during, 50)),
                        recovery.isPresent() ? "%.1f".formatted(recovery.getAsDouble()) : "-");
            }
        }
        var all = jobs.values().stream().filter(job -> job.endedAt > 0).mapToLong(job -> (long) ((job.endedAt - job.acceptedAt) * 1e9)).toArray();
        say("");
        say("accepted %d (refused %s, no gateway answered %d); completed %d, cancelled %d, failed by the provider %d, by us %d %s",
                jobs.size(), refusals, unreachable.get(), completed, cancelled, failedByProvider, failedByUs, ourCodes);
        refusalExamples.forEach((status, body) -> say("  refused %d, e.g.: %s", status, body));
        if (!pollRefusals.isEmpty()) {
            say("status polls answered other than 200 (the other gateway was asked next): %s", pollRefusals);
        }
        if (doubleSubmitted > 0) {
            say("submitted twice to the provider: %d jobs, %d of them shown as possible duplicates in their cost (image-worker's"
                    + " resubmit-unknown-outcome: a worker killed while a submit was on the wire)", doubleSubmitted, flagged);
        }
        long endedDuringLoad = jobs.values().stream().filter(job -> job.endedAt > 0 && job.endedAt <= loadEndedAt).count();
        // below the offered rate, a backlog grew: the latencies above are mostly waiting in line
        say("ended during the load: %d of %d accepted (%.2f jobs/s against %.2f accepted/s)", endedDuringLoad, jobs.size(),
                endedDuringLoad / Math.max(loadEndedAt, 1), jobs.size() / Math.max(loadEndedAt, 1));
        if (all.length > 0) {
            say("time to a terminal status, as polled every 2 s: p50 %.0f ms, p99 %.0f ms", Stats.percentileMillis(all, 50),
                    Stats.percentileMillis(all, 99));
        }
        jobs.values().stream().filter(job -> !TERMINAL.contains(job.status) || job.media > 1 || job.submissions > 1
                        || (job.status.equals("FAILED") && !PROVIDER_CODES.contains(job.code)))
                .sorted((a, b) -> Double.compare(a.acceptedAt, b.acceptedAt)).limit(20)
                .forEach(job -> say("  look at %s job %s: %s %s, media %d, submissions %d, accepted at %.1f s", job.kind, job.id, job.status,
                        job.code == null ? "" : job.code, job.media, job.submissions, job.acceptedAt));
        writeJobs();
        var result = new Result(jobs.size(), completed, failedByUs, failedByProvider, lost, duplicated, doubleSubmitted, stuck, flagged);
        System.out.println(result.line());
        return result;
    }

    /** Every job's story, for a closer look: {@code jobs.csv} beside the cluster's logs. */
    private void writeJobs() {
        var lines = new ArrayList<String>();
        lines.add("job,kind,status,code,media,submissions,accepted_s,ended_s");
        jobs.values().stream().sorted((a, b) -> Double.compare(a.acceptedAt, b.acceptedAt)).forEach(job -> lines.add(
                String.format(Locale.ROOT, "%s,%s,%s,%s,%d,%d,%.2f,%.2f", job.id, job.kind, job.status, job.code == null ? "" : job.code,
                        job.media, job.submissions, job.acceptedAt, job.endedAt)));
        try {
            Files.write(options.dataDir().resolve("jobs.csv"), lines);
        } catch (java.io.IOException e) {
            say("could not write jobs.csv: %s", e.getMessage());
        }
    }

    /**
     * Members for the load (their own rate limits and quotas, as a team's would be), each calling with an API key as an
     * integrator does: a session token runs out after 30 minutes, and a full run's settle outlasts it (the first full
     * run on a quiet machine counted 37 finished jobs as open because every answer had become 401).
     */
    private List<String> users(int count) throws Exception {
        var admin = new StudioClient(gateways.get(0));
        var adminToken = admin.signIn("admin", cluster.adminPassword());
        var list = new ArrayList<String>();
        for (int i = 0; i < count; i++) {
            var session = admin.newMember(adminToken, "chaos-" + i + "-" + Long.toHexString(System.nanoTime()));
            list.add(admin.newApiKey(session, "chaos"));
        }
        return List.copyOf(list);
    }

    private void waitUntil(double second) {
        long target = startNanos + (long) (second * 1e9);
        long wait;
        while ((wait = target - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(wait, 100_000_000L));
        }
    }

    private double now() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
