package com.desayre.embedded;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka (combined broker and controller) running in this JVM, listening on
 * 127.0.0.1. Its log directory can persist across restarts: given a data directory, the broker
 * formats it only when it holds no {@code meta.properties} yet and keeps its cluster id in
 * {@value #CLUSTER_ID_FILE}, so a restart on the same directory finds every record written before.
 *
 * {@link #startNode} starts one node of a larger cluster instead (see {@link KafkaQuorum}).
 *
 * <p>Settings ({@link #start}) are those of a one-broker cluster: replication factor and min ISR 1 for the internal
 * topics, {@code group.initial.rebalance.delay.ms=0}, topics auto-created on first use.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);

    static final String CLUSTER_ID_FILE = "cluster.id";
    private static final String LOG_DIR = "kraft-logs";
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaRaftServer server;
    private final ServerDirectory directory;
    private final int port;
    private final String clusterId;
    private final int replicationFactor;
    private boolean closed;

    private KafkaBroker(KafkaRaftServer server, ServerDirectory directory, int port, String clusterId, int replicationFactor) {
        this.server = server;
        this.directory = directory;
        this.port = port;
        this.clusterId = clusterId;
        this.replicationFactor = replicationFactor;
    }

    /**
     * Starts a broker.
     *
     * @param port    the broker (PLAINTEXT) port; 0 picks a free one
     * @param dataDir where the log lives, kept as it is across restarts; {@code null} for a temporary
     *                directory under {@code java.io.tmpdir}, deleted on {@link #close()}
     */
    public static KafkaBroker start(int port, @Nullable Path dataDir) {
        return start(port, dataDir, Map.of());
    }

    /**
     * Starts a broker with extra or overriding broker settings (for example {@code num.partitions}).
     */
    public static KafkaBroker start(int port, @Nullable Path dataDir, Map<String, String> brokerConfig) {
        long started = System.nanoTime();
        ServerDirectory directory = ServerDirectory.of(dataDir, "kafka-");
        try {
            Path logDir = Files.createDirectories(directory.resolve(LOG_DIR));
            String clusterId = clusterId(directory.path(), logDir);
            for (int attempt = 1; ; attempt++) {
                int brokerPort = FreePort.orFree(port);
                int controllerPort = FreePort.pick();
                var quorum = new KafkaQuorum(clusterId, List.of(new KafkaQuorum.Node(NODE_ID, brokerPort, controllerPort)));
                KafkaConfig config = config(quorum, NODE_ID, logDir, brokerConfig);
                formatIfNew(logDir, clusterId, NODE_ID);
                KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
                try {
                    server.startup();
                } catch (RuntimeException e) {
                    shutdownQuietly(server);
                    if (port == 0 && attempt < FreePort.ATTEMPTS && causedBy(e, BindException.class)) {
                        log.info("Kafka port {} or {} was taken meanwhile, trying others", brokerPort, controllerPort);
                        continue;
                    }
                    throw e;
                }
                log.info("Kafka (KRaft) started on 127.0.0.1:{} in {} ms, log in {}", brokerPort,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), logDir);
                return new KafkaBroker(server, directory, brokerPort, clusterId, 1);
            }
        } catch (IOException e) {
            directory.deleteIfTemporary();
            throw new UncheckedIOException("cannot start Kafka in " + directory.path(), e);
        } catch (RuntimeException e) {
            directory.deleteIfTemporary();
            throw e;
        }
    }

    /**
     * Starts one node of a cluster whose other nodes run elsewhere (their own processes), on the
     * quorum's ports for {@code nodeId}. Its log directory is formatted with the quorum's cluster id
     * when new, and kept: a node restarted on the same directory catches up from the others.
     */
    public static KafkaBroker startNode(KafkaQuorum quorum, int nodeId, Path dataDir) {
        long started = System.nanoTime();
        var node = quorum.node(nodeId);
        ServerDirectory directory = ServerDirectory.of(dataDir, "kafka-");
        try {
            Path logDir = Files.createDirectories(directory.resolve(LOG_DIR));
            formatIfNew(logDir, quorum.clusterId(), nodeId);
            KafkaRaftServer server = new KafkaRaftServer(config(quorum, nodeId, logDir, Map.of()), Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                shutdownQuietly(server);
                throw e;
            }
            log.info("Kafka (KRaft) node {} of {} started on 127.0.0.1:{} in {} ms, log in {}", nodeId, quorum.nodes().size(),
                    node.brokerPort(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), logDir);
            return new KafkaBroker(server, directory, node.brokerPort(), quorum.clusterId(), quorum.replicationFactor());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka node " + nodeId + " in " + directory.path(), e);
        }
    }

    private static KafkaConfig config(KafkaQuorum quorum, int nodeId, Path logDir, Map<String, String> overrides) {
        var node = quorum.node(nodeId);
        String replicas = String.valueOf(quorum.replicationFactor());
        String minIsr = String.valueOf(quorum.minInsyncReplicas());
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(nodeId));
        // static voters (kraft.version 0): the controller port may change between restarts
        props.put("controller.quorum.voters", quorum.voters());
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listeners", BROKER_LISTENER + "://127.0.0.1:" + node.brokerPort() + ","
                + CONTROLLER_LISTENER + "://127.0.0.1:" + node.controllerPort());
        props.put("advertised.listeners", BROKER_LISTENER + "://127.0.0.1:" + node.brokerPort());
        props.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("log.dirs", logDir.toString());
        props.put("auto.create.topics.enable", "true");
        props.put("offsets.topic.replication.factor", replicas);
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", replicas);
        props.put("transaction.state.log.min.isr", minIsr);
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", replicas);
        props.put("share.coordinator.state.topic.min.isr", minIsr);
        props.put("min.insync.replicas", minIsr);
        props.put("default.replication.factor", replicas);
        props.put("group.initial.rebalance.delay.ms", "0");
        // the cleaner's 128 MiB default dedupe buffer is sized for production brokers
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        props.putAll(overrides);
        return new KafkaConfig(props, false);
    }

    /** The cluster id kept in the data directory, or the one a previous format wrote, or a new one. */
    private static String clusterId(Path dataDir, Path logDir) throws IOException {
        Path file = dataDir.resolve(CLUSTER_ID_FILE);
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        String id = null;
        Path meta = logDir.resolve("meta.properties");
        if (Files.exists(meta)) {
            var properties = new Properties();
            try (var in = Files.newInputStream(meta)) {
                properties.load(in);
            }
            id = properties.getProperty("cluster.id");
        }
        if (id == null) {
            id = Uuid.randomUuid().toString();
        }
        Files.writeString(file, id + System.lineSeparator(), StandardCharsets.UTF_8);
        return id;
    }

    private static void formatIfNew(Path logDir, String clusterId, int nodeId) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try (var quiet = new PrintStream(java.io.OutputStream.nullOutputStream())) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the KRaft log directory " + logDir, e);
        }
        log.info("Formatted KRaft log directory {} for cluster {}", logDir, clusterId);
    }

    /** {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The data directory (temporary when none was given). */
    public Path dataDir() {
        return directory.path();
    }

    public String clusterId() {
        return clusterId;
    }

    /** The Spring Boot properties that point a service at this broker. */
    public Map<String, String> springProperties() {
        return SpringProperties.kafka(this);
    }

    /**
     * Creates the topics that do not exist yet (replicated on every node of the quorum, up to 3), then
     * waits until every partition of every named topic has a leader that answers (a producer writing
     * right after creation could otherwise race the leader election). Existing topics keep their
     * partition count.
     */
    public void createTopics(Collection<String> names, int partitions) {
        TopicMaker.create(bootstrapServers(), names, partitions, replicationFactor);
    }

    /**
     * Shuts the broker down cleanly (flushing its log), waiting at most 30 seconds; a temporary data
     * directory is deleted afterwards.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        boolean clean = shutdownQuietly(server);
        if (clean) {
            directory.deleteIfTemporary();
        }
        log.info("Kafka on port {} stopped in {} ms{}", port, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                clean ? "" : " (shutdown timed out, left running threads behind)");
    }

    /** Shuts a server down on a helper thread so that a stuck shutdown cannot hang the caller. */
    private static boolean shutdownQuietly(KafkaRaftServer server) {
        Thread stopper = new Thread(() -> {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                log.warn("Kafka shutdown failed: {}", e.toString());
            }
        }, "kafka-broker-shutdown");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !stopper.isAlive();
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", " + directory.path() + "]";
    }
}
