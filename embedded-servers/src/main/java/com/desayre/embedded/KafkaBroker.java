package com.desayre.embedded;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
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
 * <p>Settings are those of a one-broker cluster: replication factor and min ISR 1 for the internal
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
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final ServerDirectory directory;
    private final int port;
    private final String clusterId;
    private boolean closed;

    private KafkaBroker(KafkaRaftServer server, ServerDirectory directory, int port, String clusterId) {
        this.server = server;
        this.directory = directory;
        this.port = port;
        this.clusterId = clusterId;
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
                KafkaConfig config = config(brokerPort, controllerPort, logDir, brokerConfig);
                formatIfNew(logDir, clusterId);
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
                return new KafkaBroker(server, directory, brokerPort, clusterId);
            }
        } catch (IOException e) {
            directory.deleteIfTemporary();
            throw new UncheckedIOException("cannot start Kafka in " + directory.path(), e);
        } catch (RuntimeException e) {
            directory.deleteIfTemporary();
            throw e;
        }
    }

    private static KafkaConfig config(int brokerPort, int controllerPort, Path logDir, Map<String, String> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        // static voters (kraft.version 0): the controller port may change between restarts
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listeners", BROKER_LISTENER + "://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("log.dirs", logDir.toString());
        props.put("auto.create.topics.enable", "true");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("min.insync.replicas", "1");
        props.put("default.replication.factor", "1");
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

    private static void formatIfNew(Path logDir, String clusterId) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try (var quiet = new PrintStream(java.io.OutputStream.nullOutputStream())) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(NODE_ID)
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
     * Creates the topics that do not exist yet, with replication factor 1, then waits until every
     * partition of every named topic has a leader that answers (a producer writing right after
     * creation could otherwise race the leader election). Existing topics keep their partition count.
     */
    public void createTopics(Collection<String> names, int partitions) {
        if (names.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        Deadline deadline = Deadline.in(TOPIC_TIMEOUT);
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics(new ListTopicsOptions().listInternal(false)).names()
                    .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = names.stream().distinct()
                    .filter(name -> !existing.contains(name))
                    // compacted topics (lane switches, heartbeats) need their policy from the start
                    .map(name -> new NewTopic(name, partitions, (short) 1).configs(com.desayre.contracts.Topics.config(name)))
                    .toList();
            if (!missing.isEmpty()) {
                for (var result : admin.createTopics(missing).values().entrySet()) {
                    try {
                        result.getValue().get(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw new IllegalStateException("cannot create topic " + result.getKey(), e.getCause());
                        }
                    }
                }
            }
            awaitLeaders(admin, Set.copyOf(names), deadline);
            log.info("Topics {} ready ({} created) in {} ms", names, missing.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + names, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + names, e);
        }
    }

    /**
     * Polls until each partition has a leader in the broker's metadata and that leader answers a
     * ListOffsets request, which only the partition's actual leader does.
     */
    private static void awaitLeaders(Admin admin, Set<String> topics, Deadline deadline) {
        Throwable last = null;
        while (!deadline.expired()) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames()
                        .get(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
                List<TopicPartition> partitions = new ArrayList<>();
                boolean allLed = true;
                for (TopicDescription description : descriptions.values()) {
                    for (TopicPartitionInfo partition : description.partitions()) {
                        allLed &= partition.leader() != null && !partition.leader().isEmpty();
                        partitions.add(new TopicPartition(description.name(), partition.partition()));
                    }
                }
                if (allLed) {
                    admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                            .all().get(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                last = e.getCause() != null ? e.getCause() : e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for partition leaders", e);
            }
            deadline.pause();
        }
        throw new IllegalStateException("partitions of " + topics + " have no leader after " + TOPIC_TIMEOUT, last);
    }

    private Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
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
