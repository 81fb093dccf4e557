package com.desayre.bench;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Topics;
import com.desayre.embedded.KafkaBroker;
import com.desayre.embedded.PostgresServer;
import com.desayre.embedded.RedisServer;
import com.desayre.embedded.SpringProperties;
import com.desayre.local.ServiceStack;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * How much DESAYRE costs over bare Kafka, measured in one run on one embedded broker: (a) a raw
 * 4-hop consume-and-forward chain, (b) the real services driven over HTTP, each job watched until
 * COMPLETED on {@code generation.status}. Servers and data live in a temporary {@code bench-data}
 * folder that is deleted at the end.
 *
 * <pre>java -jar bench/target/bench-exec.jar [--jobs=N] [--concurrency=C] [--rate=R] [--record-bytes=B] (--help for more)</pre>
 *
 * The simulator serves one fixed pre-rendered PNG per size unless {@code --fixed-images=0}, so the run measures
 * DESAYRE's hand-offs, not Java2D drawing; the simulator's own cost per image is printed next to the results.
 */
public final class PipelineBench {
    private static final int PARTITIONS = 3;
    private static final int IMAGE_SIDE = 1024; // the gateway's default 1:1
    private static final String ADMIN = "admin";

    private final BenchOptions options;
    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private String summary;

    private PipelineBench(BenchOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        if (args.length > 0 && List.of("encoder-service", "history", "image-worker", "gateway", "sse-clients", "sink", "crowd", "poison", "fuzz", "chaos").contains(args[0])) {
            try {
                var rest = Arrays.copyOfRange(args, 1, args.length);
                if (args[0].equals("sse-clients")) {
                    SseClients.run(rest);
                } else if (args[0].equals("gateway")) {
                    GatewayBench.run(rest);
                } else if (args[0].equals("history")) {
                    HistoryBench.run(rest);
                } else if (args[0].equals("image-worker")) {
                    ImageWorkerBench.run(rest);
                } else if (args[0].equals("sink")) {
                    SinkBench.run(rest);
                } else if (args[0].equals("crowd")) {
                    CrowdBench.run(rest);
                } else if (args[0].equals("poison")) {
                    PoisonBench.run(rest);
                } else if (args[0].equals("fuzz")) {
                    FuzzBench.run(rest);
                } else if (args[0].equals("chaos")) {
                    ChaosBench.run(rest);
                } else {
                    EncoderServiceBench.run(rest);
                }
                System.exit(0);
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
            }
        }
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        System.setProperty("java.awt.headless", "true");
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        int status = 0;
        try {
            new PipelineBench(options).run();
        } catch (Exception e) {
            System.err.println("bench failed:");
            e.printStackTrace();
            status = 1;
        }
        // Kafka, Reactor and JDK HTTP threads are not all daemons: leave no doubt that we are done
        System.exit(status);
    }

    private void run() throws Exception {
        Path data = Files.createTempDirectory("bench-data");
        try {
            measure(data);
        } finally {
            stopAll();
            deleteRecursively(data);
        }
        System.out.println(summary);
    }

    private void measure(Path data) throws Exception {
        var pace = options.paced() ? Pace.open(options.rate(), options.jobs()) : Pace.closed(options.concurrency());
        say("%d pipeline jobs (+%d warm-up), %s; %d raw Kafka jobs per raw run; %s; data in %s",
                options.jobs(), options.warmup(), pace.describe(), options.paced() ? options.jobs() : options.rawJobs(),
                options.fixedImages() ? "the simulator serves a fixed pre-rendered PNG" : "the simulator draws every image",
                data);
        var postgres = running(PostgresServer.start(0, data.resolve("postgres")));
        var redis = running(RedisServer.start(0, data.resolve("redis")));
        var kafka = running(KafkaBroker.start(0, data.resolve("kafka")));
        var topics = new ArrayList<>(Topics.all());
        topics.addAll(RawKafkaChain.TOPICS);
        // all up front: producing right after creating a topic races its leader election (stack.md trap 11)
        kafka.createTopics(topics, PARTITIONS);

        byte[] payload = payload();
        say("(a) raw Kafka: %d hops, %d-byte records", RawKafkaChain.TOPICS.size(), payload.length);
        var raws = new ArrayList<RunResult>();
        RunResult raw;
        try (var chain = new RawKafkaChain(kafka.bootstrapServers())) {
            chain.run("raw-warmup", Math.max(1, options.rawJobs() / 10), Pace.closed(options.concurrency()), payload,
                    options.deadline());
            if (options.paced()) {
                // the same jobs at the same offered rate as the pipeline: a latency comparison at equal load
                raw = chain.run("raw-paced", options.jobs(), pace, payload, options.deadline());
            } else {
                raws.add(chain.run("raw-unbounded", options.rawJobs(), Pace.closed(options.rawJobs()), payload, options.deadline()));
                raw = chain.run("raw-limited", options.rawJobs(), pace, payload, options.deadline());
            }
            raws.add(raw);
        }

        say("(b) DESAYRE pipeline: starting the services");
        var simulator = running(ProviderSimulator.start(SimulatorSettings.defaults().withFixedImages(options.fixedImages())));
        var password = "bench-" + UUID.randomUUID();
        var stack = running(ServiceStack.start(common(data, kafka, postgres, redis, simulator), Map.of(
                "server.port", 0,
                "desayre.auth.jwt-secret", UUID.randomUUID() + "-" + UUID.randomUUID(),
                "desayre.auth.admin-username", ADMIN,
                "desayre.auth.admin-password", password,
                // the bench measures the pipeline, not the per-user generation limits (docs/limits.md)
                "desayre.limits.enabled", false)));
        var driver = running(new PipelineDriver("http://127.0.0.1:" + stack.gatewayPort(), kafka.bootstrapServers()));
        driver.signIn(ADMIN, password, options.deadline());
        if (options.warmup() > 0) {
            say("(b) warm-up: %d jobs", options.warmup());
            driver.run("warmup", options.warmup(), Pace.closed(options.concurrency()), options.deadline());
        }
        say("(b) measuring %d jobs", options.jobs());
        var profiler = options.profileMillis() > 0 ? new StageProfiler(options.profileMillis()) : null;
        var pipeline = driver.run("bench", options.jobs(), pace, options.deadline());
        var profile = profiler != null ? profiler.report(6) : null;
        var heapMb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / (1024 * 1024);
        var rss = residentSetSize();
        double imageMillis = Double.NaN;
        try {
            imageMillis = SimProbe.medianImageMillis(simulator.baseUrl(), IMAGE_SIDE, 5);
        } catch (Exception e) {
            say("could not time the simulator alone: %s", e);
        }

        var results = new ArrayList<>(raws);
        results.add(pipeline);
        report(results, pace);
        System.out.printf(Locale.ROOT, "%nJVM at the end of (b): heap used %d MB, RSS %s%n", heapMb, rss);
        if (!Double.isNaN(imageMillis)) {
            var image = String.format(Locale.ROOT, "Simulator alone (%s): one %dx%d image (submit + download) %.1f ms median",
                    options.fixedImages() ? "fixed PNG" : "drawn PNG", IMAGE_SIDE, IMAGE_SIDE, imageMillis);
            if (options.paced()) {
                // open loop: jobs/s is the offered rate, so the time a job took is its latency
                System.out.printf(Locale.ROOT, "%s; a job's p50 latency %.1f ms: image/p50 = %.3f%n",
                        image, pipeline.p50Millis(), imageMillis / pipeline.p50Millis());
            } else {
                double perJob = 1000 / pipeline.jobsPerSecond();
                // a ratio, not a percentage: the simulator serves on its own threads, overlapping other stages
                System.out.printf(Locale.ROOT, "%s; the pipeline spent %.1f ms per job (%.1f jobs/s): image/job = %.3f%n",
                        image, perJob, pipeline.jobsPerSecond(), imageMillis / perJob);
            }
        }
        if (profile != null) {
            System.out.printf(Locale.ROOT, "%n%s%n", profile);
        }
        if (driver.firstRefusal() != null) {
            System.out.println("First refused submit: " + driver.firstRefusal());
        }
        // the last line, for scripts (printed once everything stopped, after their log lines): DESAYRE over the raw
        // chain at the same load
        summary = String.format(Locale.ROOT, "pipeline/raw: throughput %.4f, p50 %.1fx, p99 %.1fx",
                pipeline.jobsPerSecond() / raw.jobsPerSecond(), pipeline.p50Millis() / raw.p50Millis(),
                pipeline.p99Millis() / raw.p99Millis());
    }

    static Map<String, Object> common(Path data, KafkaBroker kafka, PostgresServer postgres, RedisServer redis,
                                              ProviderSimulator simulator) {
        var common = new HashMap<String, Object>();
        common.putAll(SpringProperties.kafka(kafka));
        common.putAll(SpringProperties.postgres(postgres, PostgresServer.DEFAULT_DATABASE));
        common.putAll(SpringProperties.redis(redis));
        common.put("desayre.data-dir", data.resolve("desayre").toString());
        common.put("desayre.media.dir", data.resolve("desayre/media").toString());
        common.put("desayre.modelslabs.base-url", simulator.baseUrl());
        common.put("desayre.modelslabs.api-key", "bench");
        common.put("desayre.xai.base-url", simulator.baseUrl());
        common.put("desayre.xai.api-key", "bench");
        return common;
    }

    /** A record as big as a real job request, unless --record-bytes says otherwise. */
    private byte[] payload() {
        var spec = new JobSpec(UUID.randomUUID().toString(), JobKind.IMAGE, "bench 123: a lighthouse at dusk", "1:1",
                IMAGE_SIDE, IMAGE_SIDE, 123L, null, true, Priority.INTERACTIVE, null, null, null);
        byte[] real = EventJson.write(GenerationRequested.of(UUID.randomUUID().toString(), spec));
        if (options.recordBytes() == 0) {
            return real;
        }
        byte[] sized = new byte[options.recordBytes()];
        Arrays.fill(sized, (byte) 'x');
        return sized;
    }

    private void report(List<RunResult> results, Pace pace) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-32s %7s %7s %7s %8s %10s %9s %9s%n",
                "run", "jobs", "done", "failed", "seconds", "jobs/s", "p50 ms", "p99 ms");
        for (var r : results) {
            var name = switch (r.name()) {
                case "raw-unbounded" -> "(a) raw Kafka, unbounded";
                case "raw-limited", "raw-paced" -> "(a) raw Kafka, " + pace.describe();
                default -> "(b) DESAYRE, " + pace.describe();
            };
            System.out.printf(Locale.ROOT, "%-32s %7d %7d %7d %8.2f %10.1f %9.1f %9.1f%n",
                    name, r.jobs(), r.completed(), r.failed(), r.seconds(), r.jobsPerSecond(), r.p50Millis(), r.p99Millis());
        }
        if (pace.rate() > 0) {
            // below the offered rate, a run's latencies are mostly its backlog: compare them only when both kept up
            System.out.printf(Locale.ROOT, "%nOffered %d jobs/s: %s%n", pace.rate(), results.stream()
                    .map(r -> String.format(Locale.ROOT, "%s kept %.0f%%", r.name(), 100 * r.jobsPerSecond() / pace.rate()))
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
        for (var r : results) {
            if (r.incomplete() > 0) {
                System.out.printf(Locale.ROOT, "INCOMPLETE: %s: %d jobs not finished within %d s%n",
                        r.name(), r.incomplete(), options.deadline().toSeconds());
            }
        }
    }

    /** VmRSS from /proc/self/status, or "n/a" off Linux. */
    private static String residentSetSize() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> {
                        long kb = Long.parseLong(line.replaceAll("\\D", ""));
                        return kb / 1024 + " MB";
                    })
                    .findFirst().orElse("n/a");
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private <T extends AutoCloseable> T running(T resource) {
        running.push(resource);
        return resource;
    }

    /** Latest first: the driver, the services, the simulator, then the servers they used. */
    private void stopAll() {
        while (!running.isEmpty()) {
            var resource = running.pop();
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("While stopping " + resource + ": " + e);
            }
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    }
}
