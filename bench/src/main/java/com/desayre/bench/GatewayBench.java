package com.desayre.bench;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.embedded.KafkaBroker;
import com.desayre.embedded.PostgresServer;
import com.desayre.embedded.RedisServer;
import com.desayre.embedded.SpringProperties;
import com.desayre.gateway.GatewayApplication;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * The gateway under load, on loopback, in one run:
 * <ol>
 * <li><b>Accepted generation requests/s</b> with {@code wrk} against one gateway (sign-in checked,
 * body validated, prompt encoded, job published and acknowledged by Kafka, QUEUED announced)
 * and against a bare WebFlux endpoint on Reactor Netty (as many event loops) that parses the same JSON and answers
 * 202 — alternating rounds, best of each, reported as a ratio; each round also says the CPU each side spent per
 * request (by thread pool, the broker, Redis and PostgreSQL) and how busy the machine was.</li>
 * <li><b>10,000 concurrent SSE clients</b> on {@code /api/events} of that gateway, held by a
 * second JVM (a process may open only so many sockets), while statuses are published to
 * {@code generation.status}: fan-out latency from the publish to each client's receipt (both
 * processes read the same monotonic clock), and the gateway JVM's heap before and with the
 * clients connected.</li>
 * </ol>
 * {@code ./desayre bench gateway [--seconds=10] [--connections=64] [--clients=10000] [--events=20] [--limits=both|on|off]};
 * needs {@code wrk} ({@code apt-get install wrk}). The gateway runs with Kafka, Redis and PostgreSQL but no downstream
 * service (no prompt-encoder, workers or storage-sink), so the cores are its own. It runs once with the generation
 * limits off and once with every request charged to them (set far too high to refuse any), to see what checking them
 * costs; {@code --limits=on}/{@code off} runs one. {@code --clients=0} skips the SSE part. Last line:
 * {@code gateway / bare WebFlux: 0.340, 0.301 with limits on}.
 */
final class GatewayBench {
    private static final String PASSWORD = "bench-admin-password";
    private static final String BODY = "{\"prompt\":\"a lighthouse on a cliff at dusk, waves below\",\"aspectRatio\":\"16:9\"}";
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)s");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern P50 = Pattern.compile("\\n\\s+50%\\s+([\\d.]+)(us|ms|s)");
    private static final Pattern P99 = Pattern.compile("\\n\\s+99%\\s+([\\d.]+)(us|ms|s)");

    static void run(String[] args) throws Exception {
        int seconds = 10;
        int connections = 64;
        int clients = 10_000;
        int events = 20;
        List<Boolean> limitModes = List.of(false, true);
        for (var arg : args) {
            var value = arg.substring(arg.indexOf('=') + 1);
            if (arg.startsWith("--seconds=")) {
                seconds = Integer.parseInt(value);
            } else if (arg.startsWith("--connections=")) {
                connections = Integer.parseInt(value);
            } else if (arg.startsWith("--clients=")) {
                clients = Integer.parseInt(value);
            } else if (arg.startsWith("--events=")) {
                events = Integer.parseInt(value);
            } else if (arg.equals("--limits") || arg.equals("--limits=on")) {
                limitModes = List.of(true);
            } else if (arg.equals("--limits=off")) {
                limitModes = List.of(false);
            } else if (arg.equals("--limits=both")) {
                limitModes = List.of(false, true);
            } else {
                throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        var data = Files.createTempDirectory("bench-gateway");
        String summary;
        // the gateway and what it needs on the request path, and nothing downstream: no prompt-encoder, workers or
        // storage-sink compete for the cores, so the figure is the gateway's own
        try (var kafka = KafkaBroker.start(0, data.resolve("kafka"));
             var postgres = PostgresServer.start(0, data.resolve("postgres"));
             var redis = RedisServer.start(0, data.resolve("redis"))) {
            kafka.createTopics(Topics.all(), 3);
            var script = data.resolve("post.lua");
            var bare = bareWebFlux();
            var ratios = new LinkedHashMap<Boolean, Double>();
            try {
                for (boolean limits : limitModes) {
                    var properties = gatewayProperties(data, kafka, postgres, redis, limits);
                    say("gateway with generation limits %s", limits ? "on (every request charged, none refused)" : "off");
                    try (var gateway = GatewayApplication.builder().web(WebApplicationType.REACTIVE)
                            .run(SpringProperties.asArguments(properties))) {
                        var base = "http://127.0.0.1:" + ((WebServerApplicationContext) gateway).getWebServer().getPort();
                        var token = signIn(base);
                        writeScript(script, token);
                        ratios.put(limits, requestsPerSecond(base, bare, script, seconds, connections, limits));
                        if (clients > 0 && limits == limitModes.get(0)) {
                            sseFanOut(base, token, kafka, gateway, clients, events);
                        }
                    }
                }
            } finally {
                bare.disposeNow();
            }
            summary = "gateway / bare WebFlux: " + ratios.entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, ratios.size() == 1 ? "%.3f (limits %s)" : "%.3f%s", e.getValue(),
                            ratios.size() == 1 ? (e.getKey() ? "on" : "off") : (e.getKey() ? " with limits on" : "")))
                    .collect(Collectors.joining(", "));
        } finally {
            PipelineBench.deleteRecursively(data);
        }
        // the last line, for scripts, once the servers' closing log lines are out: limits off first when both ran
        System.out.println(summary);
    }

    private static Map<String, String> gatewayProperties(Path data, KafkaBroker kafka, PostgresServer postgres, RedisServer redis,
                                                         boolean limits) {
        var properties = new HashMap<String, String>(SpringProperties.kafka(kafka));
        properties.putAll(SpringProperties.postgres(postgres, PostgresServer.DEFAULT_DATABASE));
        properties.putAll(SpringProperties.redis(redis));
        properties.put("server.port", "0");
        properties.put("desayre.data-dir", data.toString());
        properties.put("desayre.auth.jwt-secret", "a-bench-only-jwt-secret-of-at-least-32-bytes!");
        properties.put("desayre.auth.admin-password", PASSWORD);
        if (limits) {
            // every request is charged (one Redis script) but none is refused: the cost of checking
            properties.put("desayre.limits.user.capacity", "1000000000");
            properties.put("desayre.limits.max-in-flight", "1000000000");
            properties.put("desayre.limits.daily-quota", "1000000000");
        } else {
            // the load comes from one user: measure the gateway's work, not its per-user limits
            properties.put("desayre.limits.enabled", "false");
        }
        properties.put("logging.level.root", "WARN");
        return properties;
    }

    private static void writeScript(Path script, String token) throws IOException {
        Files.writeString(script, """
                wrk.method = "POST"
                wrk.body = '%s'
                wrk.headers["Content-Type"] = "application/json"
                wrk.headers["Authorization"] = "Bearer %s"
                """.formatted(BODY, token));
    }

    /** Part 1: wrk, alternating bare and gateway rounds, best of two each; the gateway / bare ratio. */
    private static double requestsPerSecond(String base, DisposableServer bare, Path script, int seconds, int connections,
                                            boolean limits) throws Exception {
        var bareUrl = "http://127.0.0.1:" + bare.port() + "/bare";
        var gatewayUrl = base + "/api/generate/image";
        say("warming up both for %d s", seconds);
        wrk(bareUrl, script, seconds, connections);
        wrk(gatewayUrl, script, seconds, connections);
        say("what each side does, on %d and %d event-loop threads (the same count: Reactor Netty's default, one per core, "
                        + "at least 4):", liveThreads("bare-webflux"), liveThreads("reactor-http"));
        say("  bare WebFlux: Reactor Netty + a WebFlux functional route; Jackson reads the body into a Map; answers 202 with a "
                + "JSON body; no security, no validation, no I/O");
        say("  gateway: the same server stack + Spring Boot, Spring Security (Bearer session JWT: signature, revocations and "
                + "user state from memory), the strict JSON reader into a record, Bean Validation, the prompt encoder, admission "
                + "(in memory), the budget (cached)%s; then the job to Kafka (acks=all, waited for) beside QUEUED into Redis "
                + "(waited for), the QUEUED status to Kafka (not waited for); its own status consumer reads that back",
                limits ? ", the limits (one Redis script) and the quota-ledger row (PostgreSQL, group-committed)" : "");
        double bareBest = 0;
        double gatewayBest = 0;
        for (int round = 1; round <= 2; round++) {
            var bareCpu = CpuUse.start();
            var b = wrk(bareUrl, script, seconds, connections);
            var bareSpent = bareCpu.stop();
            var gatewayCpu = CpuUse.start();
            var g = wrk(gatewayUrl, script, seconds, connections);
            var gatewaySpent = gatewayCpu.stop();
            say("round %d: bare %.0f/s (%s, p50 %.1f ms, p99 %.1f ms), gateway %.0f accepted/s (%s, p50 %.1f ms, p99 %.1f ms)",
                    round, b[0], b[1] > 0 ? (long) b[1] + " non-2xx" : "all 2xx", b[2], b[3],
                    g[0], g[1] > 0 ? (long) g[1] + " non-2xx" : "all 202", g[2], g[3]);
            say("  CPU per request: bare %s; gateway %s (machine: %s)", bareSpent.perRequest((long) (b[0] * seconds)),
                    gatewaySpent.perRequest((long) (g[0] * seconds)), gatewaySpent.machineBusy());
            bareBest = Math.max(bareBest, b[0]);
            gatewayBest = Math.max(gatewayBest, g[0]);
        }
        System.out.printf(Locale.ROOT, "%n%-58s %12s%n%-58s %12.0f%n%-58s %12.0f%nlimits %s: gateway / bare WebFlux %.3f%n%n",
                "wrk, " + connections + " connections, best of 2 rounds of " + seconds + " s", "2xx/s",
                "bare WebFlux (parse JSON, answer 202)", bareBest,
                "gateway POST /api/generate/image (202 after Kafka ack)", gatewayBest, limits ? "on" : "off",
                gatewayBest / bareBest);
        say("the gateway's Kafka producer since it started: %s", producerMetrics());
        return gatewayBest / bareBest;
    }

    /**
     * What the gateway's producer did (its JMX metrics: the gateway runs in this JVM): how long a produce request took
     * and how many records one carried, i.e. whether requests share a broker acknowledgement.
     */
    private static String producerMetrics() {
        try {
            var server = ManagementFactory.getPlatformMBeanServer();
            var names = server.queryNames(new ObjectName("kafka.producer:type=producer-metrics,client-id=*"), null);
            var out = new StringBuilder();
            for (var name : names) {
                if (!name.getKeyProperty("client-id").contains("gateway")) {
                    continue;
                }
                out.append(String.format(Locale.ROOT,
                        "%s: request latency avg %.1f ms, records per request avg %.2f, record queue time avg %.1f ms, %.0f requests/s",
                        name.getKeyProperty("client-id"), (Double) server.getAttribute(name, "request-latency-avg"),
                        (Double) server.getAttribute(name, "records-per-request-avg"),
                        (Double) server.getAttribute(name, "record-queue-time-avg"),
                        (Double) server.getAttribute(name, "request-rate")));
            }
            return out.length() == 0 ? "no gateway producer found" : out.toString();
        } catch (Exception e) {
            return "unavailable (" + e + ")";
        }
    }

    private static long liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }

    /**
     * CPU time spent during a round, by who spent it: this JVM's threads (the bare server's, the Kafka broker's, and the
     * gateway's: everything else) and the child processes but wrk (Redis, PostgreSQL); and how busy the whole machine
     * was (other builds share it: a ratio taken on a busy machine says less than these per-request costs).
     */
    private record CpuUse(Map<Long, Long> threads, Map<Long, String> names, long children, long[] machine) {
        private static final Pattern BROKER = Pattern.compile(
                "^(data-plane-kafka|kafka-\\d|kafka-scheduler|kafka-log|quorum-controller|group-coordinator|controller-|broker-|"
                        + "raft|ExpirationReaper|share-|transaction-log|executor-|log-closing|persister|PersisterState|client-metrics|"
                        + "metrics-meter|kafka-broker).*");

        static CpuUse start() {
            var bean = ManagementFactory.getThreadMXBean();
            var threads = new HashMap<Long, Long>();
            var names = new HashMap<Long, String>();
            for (var info : bean.getThreadInfo(bean.getAllThreadIds())) {
                if (info != null) {
                    threads.put(info.getThreadId(), bean.getThreadCpuTime(info.getThreadId()));
                    names.put(info.getThreadId(), info.getThreadName());
                }
            }
            long children = ProcessHandle.current().descendants()
                    .filter(p -> !p.info().command().orElse("").endsWith("wrk"))
                    .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
            return new CpuUse(threads, names, children, machineTicks());
        }

        /** The difference from {@code this} to now. */
        CpuUse stop() {
            var now = start();
            var spent = new HashMap<Long, Long>();
            now.threads.forEach((id, cpu) -> spent.put(id, Math.max(0, cpu - threads.getOrDefault(id, 0L))));
            var ticks = new long[2];
            ticks[0] = now.machine[0] - machine[0];
            ticks[1] = now.machine[1] - machine[1];
            return new CpuUse(spent, now.names, Math.max(0, now.children - children), ticks);
        }

        String perRequest(long requests) {
            long bare = 0;
            long broker = 0;
            long gateway = 0;
            for (var e : threads.entrySet()) {
                var name = names.getOrDefault(e.getKey(), "");
                if (name.startsWith("bare-webflux")) {
                    bare += e.getValue();
                } else if (BROKER.matcher(name).matches()) {
                    broker += e.getValue();
                } else {
                    gateway += e.getValue();
                }
            }
            double n = Math.max(1, requests) * 1000.0;
            return bare > gateway ? String.format(Locale.ROOT, "%.0f µs on its event loops", bare / n)
                    : String.format(Locale.ROOT, "%.0f µs in its threads (%s) + %.0f µs in the Kafka broker (same JVM) + %.0f µs in "
                            + "Redis and PostgreSQL", gateway / n, busiest(n), broker / n, children / n);
        }

        /** The gateway's thread pools that spent the most, in µs per request (digits in thread names folded). */
        private String busiest(double perRequest) {
            var pools = new HashMap<String, Long>();
            threads.forEach((id, cpu) -> {
                var name = names.getOrDefault(id, "");
                if (!name.startsWith("bare-webflux") && !BROKER.matcher(name).matches()) {
                    pools.merge(name.replaceAll("\\d+", "N"), cpu, Long::sum);
                }
            });
            return pools.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(4)
                    .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue() / perRequest))
                    .collect(Collectors.joining(", "));
        }

        /** The share of the machine's CPU time that was busy, from /proc/stat. */
        String machineBusy() {
            return machine[1] <= 0 ? "unknown" : String.format(Locale.ROOT, "%.0f %% of %d cores busy", 100.0 * machine[0] / machine[1],
                    Runtime.getRuntime().availableProcessors());
        }

        /** {busy, total} jiffies of all CPUs; zeros where /proc/stat is missing. */
        private static long[] machineTicks() {
            try {
                var fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < fields.length; i++) {
                    total += Long.parseLong(fields[i]);
                }
                long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
                return new long[] {total - idle, total};
            } catch (IOException | RuntimeException e) {
                return new long[] {0, 0};
            }
        }
    }

    /** Milliseconds of a wrk latency line's value, NaN when missing. */
    private static double millis(Pattern percentile, String output) {
        var m = percentile.matcher(output);
        if (!m.find()) {
            return Double.NaN;
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }

    /** {2xx per second, non-2xx count, p50 ms, p99 ms} of one wrk run. */
    private static double[] wrk(String url, Path script, int seconds, int connections) throws Exception {
        var process = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency", "-s", script.toString(), url)
                .redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("wrk failed:\n" + output);
        }
        var requests = REQUESTS.matcher(output);
        if (!requests.find()) {
            throw new IllegalStateException("unexpected wrk output:\n" + output);
        }
        long total = Long.parseLong(requests.group(1));
        double elapsed = Double.parseDouble(requests.group(2));
        var failed = NON_2XX.matcher(output);
        long non2xx = failed.find() ? Long.parseLong(failed.group(1)) : 0;
        return new double[] {(total - non2xx) / elapsed, non2xx, millis(P50, output), millis(P99, output)};
    }

    /**
     * The baseline: WebFlux's functional endpoint on Reactor Netty, no Spring Boot, no security. On event loops of its
     * own (as many as the gateway's: one per core), because closing a gateway disposes Reactor Netty's global ones.
     */
    private static DisposableServer bareWebFlux() {
        var route = RouterFunctions.route(RequestPredicates.POST("/bare"), request -> request.bodyToMono(Map.class)
                .flatMap(body -> ServerResponse.accepted().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("jobId", UUID.randomUUID().toString(), "status", "QUEUED"))));
        var adapter = new ReactorHttpHandlerAdapter(RouterFunctions.toHttpHandler(route));
        var loops = LoopResources.create("bare-webflux");
        var server = HttpServer.create().runOn(loops).host("127.0.0.1").port(0).handle(adapter).bindNow();
        server.onDispose(loops::dispose);
        return server;
    }

    /** Part 2: SSE clients in a second JVM; statuses published here; latency measured there. */
    private static void sseFanOut(String base, String token, KafkaBroker kafka, ConfigurableApplicationContext gateway, int clients,
                                  int events) throws Exception {
        var heapBefore = usedHeapAfterGc();
        var javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // run as "java -jar bench-exec.jar": the class path is that jar, whose launcher dispatches "sse-clients"
        var classPath = System.getProperty("java.class.path");
        var command = classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)
                ? new String[] {javaBin, "-Xmx1g", "-jar", classPath, "sse-clients"}
                : new String[] {javaBin, "-Xmx1g", "-cp", classPath, PipelineBench.class.getName(), "sse-clients"};
        var full = new String[command.length + 3];
        System.arraycopy(command, 0, full, 0, command.length);
        full[command.length] = base + "/api/events";
        full[command.length + 1] = token;
        full[command.length + 2] = String.valueOf(clients);
        var child = new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            var reader = new Thread(() -> {
                try (var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    in.lines().forEach(lines::add);
                } catch (IOException ignored) {
                    // the child ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            var to = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8);
            say("opening %,d SSE connections to %s from a second JVM", clients, base);
            var connected = awaitLine(lines, "CONNECTED", Duration.ofMinutes(5));
            say("%s; gateway heap %.0f MB before, measuring", connected, heapBefore / 1e6);
            var heapWith = usedHeapAfterGc();
            try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
                for (int i = 0; i < events; i++) {
                    var jobId = "bench-sse-" + UUID.randomUUID();
                    var status = StatusChanged.of(jobId, "bench-user", JobKind.IMAGE, JobStatus.PROCESSING, "bench",
                            "bench:" + System.nanoTime());
                    producer.send(new ProducerRecord<>(Topics.STATUS, jobId.getBytes(StandardCharsets.UTF_8), EventJson.write(status))).get();
                    // one event at a time, as statuses arrive: the fan-out of one is not queued behind the last
                    awaitCount(lines, (long) (i + 1) * clients, Duration.ofSeconds(60));
                }
            }
            to.println("REPORT");
            var result = awaitLine(lines, "RESULT", Duration.ofSeconds(60));
            var rss = rssMegabytes();
            System.out.printf(Locale.ROOT, "%n%,d SSE clients on one gateway, %d statuses each (%,d deliveries)%n%s%n"
                            + "gateway JVM heap after GC: %.0f MB before the clients, %.0f MB with them (%.1f KB per connection); "
                            + "RSS %s MB (the JVM also holds the Kafka broker)%n",
                    clients, events, (long) clients * events, result.substring("RESULT ".length()), heapBefore / 1e6, heapWith / 1e6,
                    (heapWith - heapBefore) / 1024.0 / clients, rss);
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String awaitLine(BlockingQueue<String> lines, String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException("no '" + prefix + "' from the SSE clients within " + timeout);
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            if (line.startsWith("ERROR")) {
                throw new IllegalStateException("SSE clients: " + line);
            }
        }
    }

    /** Waits for the clients' running total ("RECEIVED n") to reach {@code target}. */
    private static void awaitCount(BlockingQueue<String> lines, long target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var line = awaitLine(lines, "RECEIVED ", Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (Long.parseLong(line.substring("RECEIVED ".length()).strip()) >= target) {
                return;
            }
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String rssMegabytes() {
        try {
            for (var line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return String.valueOf(Long.parseLong(line.replaceAll("\\D", "")) / 1024);
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return "?";
    }

    private static String signIn(String base) throws Exception {
        var http = HttpClient.newHttpClient();
        var response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        var matcher = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(response.body());
        if (response.statusCode() != 200 || !matcher.find()) {
            throw new IllegalStateException("sign-in failed: " + response.statusCode() + " " + response.body());
        }
        return matcher.group(1);
    }

    private static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "bench: " + format + "%n", args);
    }

    private GatewayBench() {
    }
}
