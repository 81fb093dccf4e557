package com.desayre.local;

import com.desayre.contracts.Topics;
import com.desayre.embedded.KafkaBroker;
import com.desayre.embedded.PostgresServer;
import com.desayre.embedded.RedisServer;
import com.desayre.embedded.SpringProperties;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./desayre up}: the whole studio on this machine. Kafka (KRaft), PostgreSQL and Redis run
 * embedded with their data under {@code DESAYRE_DATA_DIR}, so a restart keeps history and jobs in
 * flight; the provider simulator stands in for ModelsLabs and xAI unless {@code MODELS_LABS_API_KEY} /
 * {@code XAI_API_KEY} are set.
 */
public final class DesayreLocal {
    private static final Deque<AutoCloseable> RUNNING = new ArrayDeque<>();
    /** The simulator's fault switch, when a simulator runs: shown with the sign-in details. */
    private static String simulatorFaults;

    public static void main(String[] args) throws Exception {
        // one jar, several roles: ./desayre up --cluster runs its Kafka nodes and simulator from this jar too
        if (args.length > 0) {
            LauncherLogs.quiet();
            var rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            switch (args[0]) {
                case "--cluster" -> {
                    DesayreCluster.main(rest);
                    return;
                }
                case DesayreCluster.KAFKA_NODE -> {
                    DesayreCluster.kafkaNode(rest);
                    return;
                }
                case DesayreCluster.PROVIDER_SIM -> {
                    ProviderSimulator.main(rest);
                    return;
                }
                default -> {
                    System.err.println("usage: desayre up [--cluster]");
                    System.exit(2);
                }
            }
        }
        var env = System.getenv();
        var dataDir = Path.of(env.getOrDefault("DESAYRE_DATA_DIR", "data")).toAbsolutePath().normalize();
        var port = Integer.parseInt(env.getOrDefault("PORT", "8080"));
        Files.createDirectories(dataDir);
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping DESAYRE…");
            stopAll();
            stopped.countDown();
        }, "desayre-stop"));

        say("Starting DESAYRE with its data in " + dataDir);
        var postgres = running(PostgresServer.start(0, dataDir.resolve("postgres")));
        var redis = running(RedisServer.start(0, dataDir.resolve("redis")));
        // DESAYRE_KAFKA_PORT keeps the address a topic-level integration connects to stable across runs
        var kafkaPort = Integer.parseInt(env.getOrDefault("DESAYRE_KAFKA_PORT", "0"));
        var kafka = running(KafkaBroker.start(kafkaPort, dataDir.resolve("kafka")));
        kafka.createTopics(Topics.all(), 3);

        var common = new HashMap<String, Object>();
        common.putAll(SpringProperties.kafka(kafka));
        common.putAll(SpringProperties.postgres(postgres, "desayre"));
        common.putAll(SpringProperties.redis(redis));
        common.put("desayre.data-dir", dataDir.toString());
        common.putAll(provider(env));
        // a local studio's webhook receivers are local too (a script on this machine, a container next door)
        var allowPrivateWebhooks = env.getOrDefault("DESAYRE_WEBHOOK_ALLOW_PRIVATE", "true");
        common.put("desayre.webhooks.allow-private", allowPrivateWebhooks);

        var secrets = new LocalSecrets(dataDir);
        var admin = secrets.admin(env.get("ADMIN_PASSWORD_HASH"), env.get("DESAYRE_ADMIN_PASSWORD"));
        var gateway = gatewayProperties(secrets, admin, env);
        gateway.put("server.port", port);

        var stack = running(ServiceStack.start(common, gateway));
        var url = "http://localhost:" + stack.gatewayPort();
        System.out.println("""

                ────────────────────────────────────────────────────────────
                  DESAYRE is running:  %s
                  Sign in as:          %s
                  Password:            %s
                  API:                 curl -X POST %s/api/auth/login -H 'Content-Type: application/json' \\
                                         -d '{"username":"%s","password":"…"}'
                  Kafka:               %s   (topic-level integrations: docs/asyncapi.yaml)
                  Data:                %s%s%s
                  Stop:                Ctrl-C
                ────────────────────────────────────────────────────────────
                """.formatted(url, env.getOrDefault("ADMIN_USERNAME", "admin"), admin.howToSignIn(), url,
                env.getOrDefault("ADMIN_USERNAME", "admin"), kafka.bootstrapServers(), dataDir, faultSwitch(),
                Boolean.parseBoolean(allowPrivateWebhooks) ? "\n  Webhooks:            may call loopback and private addresses (DESAYRE_WEBHOOK_ALLOW_PRIVATE=true;"
                        + "\n                       set it to false to test the SSRF rule; never true in production)" : ""));
        stopped.await();
    }

    /** The gateway's session key and the admin's password (its hash when there is one). */
    static Map<String, Object> gatewayProperties(LocalSecrets secrets, LocalSecrets.AdminLogin admin, Map<String, String> env)
            throws java.io.IOException {
        var gateway = new HashMap<String, Object>();
        gateway.put("desayre.auth.jwt-secret", secrets.jwtSecret(env.get("JWT_SECRET")));
        if (admin.hash() != null) {
            gateway.put("desayre.auth.admin-password-hash", admin.hash());
        } else {
            gateway.put("desayre.auth.admin-password", admin.plain());
        }
        return gateway;
    }

    /** Where a person makes the simulated provider misbehave, and how; empty when no simulator runs. */
    private static String faultSwitch() {
        if (simulatorFaults == null) {
            return "";
        }
        return "\n  Provider faults:     " + simulatorFaults + "   (the simulator's switch, see provider-sim/README.md)"
                + "\n                       curl -X POST " + simulatorFaults + " -d '{\"faults\":\"fail=503\",\"times\":3}'"
                + "\n                       curl " + simulatorFaults + "        curl -X DELETE " + simulatorFaults;
    }

    /** The real ModelsLabs and xAI where their keys are set, else the simulator (one, on a free port) for each. */
    private static Map<String, Object> provider(Map<String, String> env) {
        var modelsLabs = env.get("MODELS_LABS_API_KEY");
        var xai = env.get("XAI_API_KEY");
        var realImages = modelsLabs != null && !modelsLabs.isBlank();
        var realVideos = xai != null && !xai.isBlank();
        if (realImages) {
            say("Images: ModelsLabs (MODELS_LABS_API_KEY is set)");
        }
        if (realVideos) {
            say("Videos: xAI (XAI_API_KEY is set)");
        }
        if (realImages && realVideos) {
            return Map.of();
        }
        var latency = Duration.ofMillis(Long.parseLong(env.getOrDefault("SIM_LATENCY_MS", "3000")));
        // a video takes tens of seconds at xAI: the simulator's default shows the progress trail
        var videoLatency = Duration.ofMillis(Long.parseLong(env.getOrDefault("SIM_VIDEO_LATENCY_MS", "15000")));
        var mode = SimulatorSettings.Mode.valueOf(env.getOrDefault("SIM_MODE", "ASYNC").toUpperCase(java.util.Locale.ROOT));
        // DESAYRE_SIM_FAULTS, e.g. "chance=30 fail=503": see how the studio copes with a misbehaving provider
        var faults = env.get("DESAYRE_SIM_FAULTS");
        var sim = running(ProviderSimulator.start(SimulatorSettings.defaults().withLatency(latency).withMode(mode)
                .withVideoLatency(videoLatency).withFaults(faults)));
        simulatorFaults = sim.faultsUrl();
        return simulatorProperties(env, sim.baseUrl());
    }

    /** Points the services at a simulator for each provider whose key is not set. */
    static Map<String, Object> simulatorProperties(Map<String, String> env, String simulatorUrl) {
        var faults = env.get("DESAYRE_SIM_FAULTS");
        var with = faults == null || faults.isBlank() ? "" : " with faults: " + faults;
        var properties = new HashMap<String, Object>();
        if (env.getOrDefault("MODELS_LABS_API_KEY", "").isBlank()) {
            say("Images: the provider simulator at " + simulatorUrl + with + " (set MODELS_LABS_API_KEY for ModelsLabs)");
            properties.put("desayre.modelslabs.base-url", simulatorUrl);
            properties.put("desayre.modelslabs.api-key", "local-simulator");
        }
        if (env.getOrDefault("XAI_API_KEY", "").isBlank()) {
            say("Videos: the provider simulator at " + simulatorUrl + with + " (set XAI_API_KEY for xAI)");
            properties.put("desayre.xai.base-url", simulatorUrl);
            properties.put("desayre.xai.api-key", "local-simulator");
        }
        return properties;
    }

    private static synchronized <T extends AutoCloseable> T running(T resource) {
        RUNNING.push(resource);
        return resource;
    }

    private static synchronized void stopAll() {
        while (!RUNNING.isEmpty()) {
            try {
                RUNNING.pop().close();
            } catch (Exception e) {
                System.err.println("While stopping: " + e.getMessage());
            }
        }
    }

    static void say(String line) {
        System.out.println("[desayre] " + line);
    }

    private DesayreLocal() {
    }
}
