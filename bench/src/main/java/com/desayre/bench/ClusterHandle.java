package com.desayre.bench;

import com.desayre.contracts.EventJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@code ./desayre up --cluster} that chaos acts on: started here as its own process tree (a launcher whose
 * children are the Kafka nodes, the servers, the simulator and every service instance) in a fresh data directory,
 * then driven through the launcher's control port: kill, stop and start any process by name.
 */
final class ClusterHandle implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(12);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Process launcher;
    private final String control;
    private final String password;
    private final Path dataDir;

    private ClusterHandle(Process launcher, String control, String password, Path dataDir) {
        this.launcher = launcher;
        this.control = control;
        this.password = password;
        this.dataDir = dataDir;
    }

    /**
     * Starts a cluster from {@code ROOT/local-stack/target/local-stack-exec.jar} (ROOT: the project's directory, where
     * every service's jar is built) with its data and logs in {@code dataDir}; the simulator answers images after
     * {@code simLatencyMs}.
     */
    static ClusterHandle start(Path root, Path dataDir, long simLatencyMs, Map<String, String> extraEnvironment) throws Exception {
        var jar = root.resolve("local-stack").resolve("target").resolve("local-stack-exec.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("chaos runs ./desayre up --cluster from " + jar + ": build it first (./desayre build)");
        }
        Files.createDirectories(dataDir);
        var password = "chaos " + java.util.UUID.randomUUID();
        var builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-jar", jar.toString(),
                "--cluster")
                .directory(root.toFile()) // where the launcher finds each service's jar
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("launcher.log").toFile());
        builder.environment().putAll(Map.of("DESAYRE_DATA_DIR", dataDir.toString(), "PORT", "0",
                "DESAYRE_ADMIN_PASSWORD", password, "SIM_LATENCY_MS", String.valueOf(simLatencyMs), "SIM_VIDEO_LATENCY_MS", "3000",
                // plain pre-rendered outputs: drawing every image and encoding every clip took most of a core from the
                // services under test (docs/reliability.md)
                "SIM_FIXED_IMAGES", "true"));
        builder.environment().remove("MODELS_LABS_API_KEY");
        builder.environment().remove("XAI_API_KEY");
        builder.environment().putAll(extraEnvironment);
        var launcher = builder.start();
        var controlFile = dataDir.resolve("cluster").resolve("control.url");
        var deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        // the launcher writes control.url once every service is ready
        while (!Files.exists(controlFile)) {
            if (!launcher.isAlive()) {
                throw new IllegalStateException("the cluster did not start (exit " + launcher.exitValue() + "): see "
                        + dataDir.resolve("launcher.log"));
            }
            if (System.nanoTime() > deadline) {
                launcher.destroy();
                throw new IllegalStateException("the cluster did not start within " + START_TIMEOUT.toMinutes() + " min: see "
                        + dataDir.resolve("launcher.log"));
            }
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        }
        return new ClusterHandle(launcher, Files.readString(controlFile).trim(), password, dataDir);
    }

    /** One process as the control port lists it. */
    record Part(String name, String state, long pid, int port, int restarts) {
    }

    List<Part> parts() throws Exception {
        var list = EventJson.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(control)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        var parts = new ArrayList<Part>();
        for (var node : list) {
            parts.add(new Part(node.get("name").asString(), node.get("state").asString(), node.get("pid").asLong(),
                    node.get("port").asInt(), node.get("restarts").asInt()));
        }
        return parts;
    }

    /** {@code kill}, {@code stop} or {@code start}; fails when the control port refuses. */
    void act(String name, String action) throws Exception {
        var answer = http.send(HttpRequest.newBuilder(URI.create(control + "/" + name + "/" + action)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(action + " " + name + ": HTTP " + answer.statusCode() + " " + answer.body());
        }
    }

    /** The gateways' base URLs, by instance name. */
    Map<String, String> gateways() throws Exception {
        var gateways = new LinkedHashMap<String, String>();
        for (var part : parts()) {
            if (part.name().startsWith("gateway-")) {
                gateways.put(part.name(), "http://127.0.0.1:" + part.port());
            }
        }
        return gateways;
    }

    String simulator() throws Exception {
        return parts().stream().filter(part -> part.name().equals("provider-sim")).findFirst()
                .map(part -> "http://127.0.0.1:" + part.port()).orElseThrow(() -> new IllegalStateException("no simulator in the cluster"));
    }

    String adminPassword() {
        return password;
    }

    Path logs() {
        return dataDir.resolve("cluster").resolve("logs");
    }

    /** Stops the cluster as Ctrl-C would (the launcher stops every child in order), waiting at most 2 minutes. */
    @Override
    public void close() {
        launcher.destroy();
        try {
            if (!launcher.waitFor(2, TimeUnit.MINUTES)) {
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "cluster at " + control;
    }
}
