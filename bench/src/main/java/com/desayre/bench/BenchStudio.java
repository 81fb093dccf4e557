package com.desayre.bench;

import com.desayre.contracts.Topics;
import com.desayre.embedded.KafkaBroker;
import com.desayre.embedded.PostgresServer;
import com.desayre.embedded.RedisServer;
import com.desayre.local.ServiceStack;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The whole studio for a bench that drives it as people do: fresh PostgreSQL, Redis and Kafka (every topic created up
 * front: producing right after creating a topic races its leader election, stack.md trap 11) in a temporary folder,
 * the provider simulator, and every service in one JVM as {@code ./desayre up} runs them, with generation limits off.
 * Ready once the gateway is healthy and the admin has signed in. Closing stops everything and deletes the folder.
 */
final class BenchStudio implements AutoCloseable {
    static final String ADMIN = "admin";
    private static final int PARTITIONS = 3;

    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private final Path data;
    private KafkaBroker kafka;
    private ProviderSimulator simulator;
    private StudioClient client;
    private String adminToken;

    private BenchStudio(Path data) {
        this.data = data;
    }

    /**
     * @param services properties for every service (e.g. the image-worker's places at the provider)
     * @param gateway  properties for the gateway alone
     */
    static BenchStudio start(String name, SimulatorSettings simulator, Map<String, ?> services, Map<String, ?> gateway)
            throws Exception {
        var studio = new BenchStudio(Files.createTempDirectory("bench-" + name));
        try {
            studio.startAll(simulator, services, gateway);
            return studio;
        } catch (Exception | Error e) {
            studio.close();
            throw e;
        }
    }

    private void startAll(SimulatorSettings simulatorSettings, Map<String, ?> services, Map<String, ?> gateway) throws Exception {
        var postgres = started(PostgresServer.start(0, data.resolve("postgres")));
        var redis = started(RedisServer.start(0, data.resolve("redis")));
        kafka = started(KafkaBroker.start(0, data.resolve("kafka")));
        kafka.createTopics(Topics.all(), PARTITIONS);
        simulator = started(ProviderSimulator.start(simulatorSettings));
        var common = PipelineBench.common(data, kafka, postgres, redis, simulator);
        common.putAll(services);
        var password = "bench-" + UUID.randomUUID();
        var gatewayProperties = new HashMap<String, Object>(Map.of(
                "server.port", 0,
                "desayre.auth.jwt-secret", UUID.randomUUID() + "-" + UUID.randomUUID(),
                "desayre.auth.admin-username", ADMIN,
                "desayre.auth.admin-password", password,
                "desayre.limits.enabled", false));
        gatewayProperties.putAll(gateway);
        var stack = started(ServiceStack.start(common, gatewayProperties));
        var base = "http://127.0.0.1:" + stack.gatewayPort();
        try (var admin = new PipelineDriver(base, kafka.bootstrapServers())) {
            admin.signIn(ADMIN, password, Duration.ofMinutes(2)); // waits until the gateway is healthy
        }
        client = new StudioClient(base);
        adminToken = client.signIn(ADMIN, password);
    }

    private <T extends AutoCloseable> T started(T server) {
        running.push(server);
        return server;
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    ProviderSimulator simulator() {
        return simulator;
    }

    StudioClient client() {
        return client;
    }

    String adminToken() {
        return adminToken;
    }

    @Override
    public void close() throws Exception {
        try {
            while (!running.isEmpty()) {
                try {
                    running.pop().close();
                } catch (Exception e) {
                    System.err.println("[bench] stopping a server failed: " + e);
                }
            }
        } finally {
            PipelineBench.deleteRecursively(data);
        }
    }
}
