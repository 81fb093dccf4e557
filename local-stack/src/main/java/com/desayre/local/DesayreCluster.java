package com.desayre.local;

import com.desayre.contracts.Topics;
import com.desayre.embedded.KafkaBroker;
import com.desayre.embedded.KafkaQuorum;
import com.desayre.embedded.PostgresServer;
import com.desayre.embedded.RedisServer;
import com.desayre.embedded.S3MockServer;
import com.desayre.embedded.SpringProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * {@code ./desayre up --cluster}: DESAYRE as it runs in production, on one machine. Kafka is a 3-node
 * KRaft cluster (replication factor 3, {@code min.insync.replicas} 2), each node its own JVM; PostgreSQL,
 * Redis, the S3 server and the provider simulator run as their own processes; every service runs from
 * its own boot jar in its own JVM, two instances of each but webhook-dispatcher. Each process
 * writes its own log ({@code $DESAYRE_DATA_DIR/cluster/logs/<name>.log}) and is restarted when it dies
 * unasked; the control port ({@link ClusterControl}) kills, stops and starts any of them by name.
 * Slow on a small machine (a dozen JVMs), and meant to be: it is where faults are tried one process at a time.
 */
final class DesayreCluster {
    static final String KAFKA_NODE = "kafka-node";
    static final String PROVIDER_SIM = "provider-sim";
    private static final int KAFKA_NODES = 3;
    private static final String BUCKET = "desayre-media";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(6);
    private static final Duration RESTART_DELAY = Duration.ofSeconds(2);

    private final Map<String, String> env = System.getenv();
    private final Path dataDir;
    private final Path logs;
    private final ClusterControl control;
    // newest first; read by the shutdown hook while run() may still be adding
    private final List<List<ClusterPart>> stopOrder = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private DesayreCluster(Path dataDir, ClusterControl control) {
        this.dataDir = dataDir;
        this.logs = dataDir.resolve("logs");
        this.control = control;
    }

    static void main(String[] args) throws Exception {
        var root = Path.of(System.getenv().getOrDefault("DESAYRE_DATA_DIR", "data")).toAbsolutePath().normalize();
        // apart from the single JVM's data: a one-node Kafka log is not a three-node one
        var dataDir = Files.createDirectories(root.resolve("cluster"));
        var control = ClusterControl.start(Integer.parseInt(System.getenv().getOrDefault("DESAYRE_CLUSTER_CONTROL_PORT", "0")));
        var cluster = new DesayreCluster(dataDir, control);
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping the DESAYRE cluster…");
            cluster.stopAll();
            stopped.countDown();
        }, "desayre-cluster-stop"));
        cluster.run();
        stopped.await();
    }

    private void run() throws IOException {
        DesayreLocal.say("Starting the DESAYRE cluster with its data and logs in " + dataDir);
        var postgres = server(new ServerPart<>("postgres", port -> PostgresServer.start(port, dataDir.resolve("postgres")),
                PostgresServer::port));
        var redis = server(new ServerPart<>("redis", port -> RedisServer.start(port, dataDir.resolve("redis")), RedisServer::port));
        var s3 = server(new ServerPart<>("s3", port -> S3MockServer.start(port, dataDir.resolve("s3"), List.of(BUCKET)),
                S3MockServer::port));
        var quorum = startKafka();

        var common = new HashMap<String, Object>();
        common.putAll(quorum.springProperties());
        common.putAll(SpringProperties.postgres(postgres.server(), "desayre"));
        common.putAll(SpringProperties.redis(redis.server()));
        common.putAll(SpringProperties.s3(s3.server(), BUCKET));
        common.put("desayre.data-dir", dataDir.toString());
        common.put("desayre.webhooks.allow-private", env.getOrDefault("DESAYRE_WEBHOOK_ALLOW_PRIVATE", "true"));
        var simulator = startSimulator();
        if (simulator != null) {
            common.putAll(DesayreLocal.simulatorProperties(env, "http://127.0.0.1:" + simulator.port()));
        }

        var secrets = new LocalSecrets(dataDir);
        var admin = secrets.admin(env.get("ADMIN_PASSWORD_HASH"), env.get("DESAYRE_ADMIN_PASSWORD"));
        var gateway = DesayreLocal.gatewayProperties(secrets, admin, env);
        gateway.put("server.port", Integer.parseInt(env.getOrDefault("PORT", "8080")));
        ServiceStack.servedSources(common, gateway);
        var gatewayPorts = List.of((Integer) gateway.get("server.port"), freePort());

        // storage-sink first: it migrates the history schema; the gateway migrates its own before the dispatcher reads it
        services(List.of(service("storage-sink", 1, common, Map.of())));
        var second = new ArrayList<ChildProcess>();
        // two of every Kafka stage: a killed one's partitions go to the other once its session ends (15 s), instead of
        // waiting for its JVM to start again
        second.add(service("storage-sink", 2, common, Map.of()));
        for (int instance = 1; instance <= 2; instance++) {
            second.add(service("prompt-encoder", instance, common, Map.of()));
            second.add(service("image-worker", instance, common, Map.of()));
            second.add(service("video-worker", instance, common, Map.of()));
            var own = new HashMap<>(gateway);
            own.put("server.port", gatewayPorts.get(instance - 1));
            second.add(service("gateway", instance, common, own));
        }
        services(second);
        services(List.of(service("webhook-dispatcher", 1, common,
                Map.of("desayre.webhooks.gateway-url", "http://127.0.0.1:" + gatewayPorts.get(0)))));

        var processes = control.url();
        Files.writeString(dataDir.resolve("control.url"), processes + System.lineSeparator(), StandardCharsets.UTF_8);
        System.out.println("""

                ────────────────────────────────────────────────────────────
                  DESAYRE cluster is running:  http://localhost:%d   and   http://localhost:%d
                  Sign in as:          %s
                  Password:            %s
                  Kafka (3 nodes):     %s
                  Processes:           %s   (curl it; POST …/{name}/kill|stop|start)
                  Logs:                %s/<name>.log
                  Stop:                Ctrl-C
                ────────────────────────────────────────────────────────────
                """.formatted(gatewayPorts.get(0), gatewayPorts.get(1), env.getOrDefault("ADMIN_USERNAME", "admin"),
                admin.howToSignIn(), quorum.bootstrapServers(), processes, logs));
    }

    private <S extends AutoCloseable> ServerPart<S> server(ServerPart<S> part) {
        part.start();
        control.add(part);
        stopOrder.add(0, List.of(part));
        DesayreLocal.say(part.name() + " on 127.0.0.1:" + part.port());
        return part;
    }

    /**
     * Three nodes, each in its own JVM from this jar ({@value #KAFKA_NODE}), then DESAYRE's topics replicated on all
     * three. The cluster id is kept in the data directory; the ports are new on each run (static voters may move).
     */
    private KafkaQuorum startKafka() throws IOException {
        var idFile = dataDir.resolve("kafka").resolve("cluster.id");
        var fresh = KafkaQuorum.onFreePorts(KAFKA_NODES);
        var quorum = Files.exists(idFile) ? new KafkaQuorum(Files.readString(idFile).trim(), fresh.nodes()) : fresh;
        Files.createDirectories(idFile.getParent());
        Files.writeString(idFile, quorum.clusterId() + System.lineSeparator(), StandardCharsets.UTF_8);
        var nodes = new ArrayList<ClusterPart>();
        for (var node : quorum.nodes()) {
            var part = child("kafka-" + node.id(), javaCommand("-Xmx512m", "-XX:+UseSerialGC", "-jar", selfJar(), KAFKA_NODE,
                    quorum.encode(), String.valueOf(node.id()), dataDir.resolve("kafka").resolve("node-" + node.id()).toString()),
                    Map.of(), node.brokerPort());
            part.start();
            nodes.add(part);
        }
        stopOrder.add(0, nodes);
        var deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try {
                quorum.createTopics(Topics.all(), 3);
                break;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka's three nodes did not form a cluster: see " + logs + "/kafka-*.log", e);
                }
            }
        }
        DesayreLocal.say("Kafka: 3 nodes at " + quorum.bootstrapServers() + ", topics replicated 3 times (min.insync.replicas 2)");
        return quorum;
    }

    /** The provider simulator in its own JVM, unless both providers' keys are set. */
    private ChildProcess startSimulator() {
        if (!env.getOrDefault("MODELS_LABS_API_KEY", "").isBlank() && !env.getOrDefault("XAI_API_KEY", "").isBlank()) {
            return null;
        }
        int port = freePort();
        var arguments = new ArrayList<>(javaCommand("-Xmx384m", "-XX:+UseSerialGC", "-Djava.awt.headless=true", "-jar", selfJar(),
                PROVIDER_SIM, "--port=" + port, "--latency-ms=" + env.getOrDefault("SIM_LATENCY_MS", "3000"),
                "--mode=" + env.getOrDefault("SIM_MODE", "async")));
        if (!env.getOrDefault("DESAYRE_SIM_FAULTS", "").isBlank()) {
            arguments.add("--faults=" + env.get("DESAYRE_SIM_FAULTS"));
        }
        var sim = child(PROVIDER_SIM, arguments, Map.of("SIM_VIDEO_LATENCY_MS", env.getOrDefault("SIM_VIDEO_LATENCY_MS", "15000")), port);
        sim.start();
        stopOrder.add(0, List.of(sim));
        awaitAnswer(sim, "http://127.0.0.1:" + port + "/sim/faults");
        return sim;
    }

    /** One instance of a service from its own boot jar, its settings in SPRING_APPLICATION_JSON (never on the command line). */
    private ChildProcess service(String name, int instance, Map<String, Object> common, Map<String, ?> own) {
        var properties = new HashMap<String, Object>(common);
        properties.putAll(own);
        properties.putIfAbsent("server.port", freePort());
        var opts = env.getOrDefault("DESAYRE_CLUSTER_JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        var command = new ArrayList<String>();
        command.add(javaExecutable());
        command.addAll(List.of(opts.trim().split("\\s+")));
        command.addAll(List.of("-Djava.awt.headless=true", "-jar", serviceJar(name).toString()));
        return child(name + "-" + instance, command, Map.of("SPRING_APPLICATION_JSON", Json.object(properties)),
                Integer.parseInt(String.valueOf(properties.get("server.port"))));
    }

    /** Starts a group of services at once and waits until each says it is ready. */
    private void services(List<ChildProcess> group) {
        group.forEach(ChildProcess::start);
        stopOrder.add(0, List.copyOf(group));
        CompletableFuture.allOf(group.stream()
                .map(part -> CompletableFuture.runAsync(() -> awaitAnswer(part, "http://127.0.0.1:" + part.port() + "/actuator/health/readiness")))
                .toArray(CompletableFuture[]::new)).join();
        group.forEach(part -> DesayreLocal.say(part.name() + " ready on 127.0.0.1:" + part.port() + " (pid " + part.pid() + ")"));
    }

    private ChildProcess child(String name, List<String> command, Map<String, String> environment, int port) {
        var part = new ChildProcess(name, command, environment, logs.resolve(name + ".log"), port, RESTART_DELAY);
        control.add(part);
        return part;
    }

    private void awaitAnswer(ChildProcess part, String url) {
        var deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + part.name(), e);
            }
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
        throw new IllegalStateException(part.name() + " did not get ready within " + READY_TIMEOUT.toMinutes() + " minutes: see "
                + part.log());
    }

    /** Services first (the newest group first), then the simulator, Kafka's nodes (all at once) and the servers. */
    private void stopAll() {
        control.parts().stream().filter(ChildProcess.class::isInstance).map(ChildProcess.class::cast)
                .forEach(ChildProcess::noMoreRestarts);
        for (var group : stopOrder) {
            CompletableFuture.allOf(group.stream().map(part -> CompletableFuture.runAsync(() -> {
                try {
                    part.stop();
                } catch (RuntimeException e) {
                    System.err.println("Stopping " + part.name() + " failed: " + e.getMessage());
                }
            })).toArray(CompletableFuture[]::new)).join();
        }
        control.close();
    }

    /** A Kafka node in this JVM ({@value #KAFKA_NODE} QUORUM NODE_ID DATA_DIR), until the process is told to stop. */
    static void kafkaNode(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: " + KAFKA_NODE + " CLUSTER_ID/ID:BROKER_PORT:CONTROLLER_PORT,… NODE_ID DATA_DIR");
            System.exit(2);
        }
        var node = KafkaBroker.startNode(KafkaQuorum.decode(args[0]), Integer.parseInt(args[1]), Path.of(args[2]));
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "kafka-node-stop"));
        stopped.await();
    }

    /** {@code <module>/target/<module>-<version>-exec.jar} under the working directory (the project's root). */
    private static Path serviceJar(String module) {
        var target = Path.of(module, "target").toAbsolutePath();
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(file -> file.getFileName().toString().matches(module + "-.*-exec\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no boot jar in " + target));
        } catch (IOException | IllegalStateException e) {
            throw new IllegalStateException("The cluster runs each service from its own boot jar, and " + module + "'s is missing ("
                    + e.getMessage() + "). Run ./desayre build in the project's root first.", e);
        }
    }

    /** This jar, which also holds the Kafka node and the simulator. */
    private static String selfJar() {
        return Path.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0]).toAbsolutePath().toString();
    }

    private static List<String> javaCommand(String... arguments) {
        var command = new ArrayList<String>();
        command.add(javaExecutable());
        command.addAll(List.of(arguments));
        return command;
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static int freePort() {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
