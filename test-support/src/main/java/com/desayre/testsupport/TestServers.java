package com.desayre.testsupport;

import com.desayre.contracts.Topics;
import com.desayre.embedded.KafkaBroker;
import com.desayre.embedded.PostgresServer;
import com.desayre.embedded.RedisServer;
import com.desayre.embedded.S3MockServer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The test kit: one of each real server per test JVM, started on first use on a free loopback
 * port with its data in a temporary directory under {@code java.io.tmpdir} (surefire and failsafe
 * point that at {@code target/}), and closed in reverse start order by a single JVM shutdown hook.
 * Tests share them: use unique topics' keys, database names or buckets where isolation matters.
 *
 * <pre>{@code
 * @DynamicPropertySource
 * static void servers(DynamicPropertyRegistry registry) {
 *     TestServers.springProperties().forEach((key, value) -> registry.add(key, () -> value));
 * }
 * }</pre>
 */
public final class TestServers {

    private static final Logger log = LoggerFactory.getLogger(TestServers.class);

    /** Partitions of every DESAYRE topic the kit creates. */
    public static final int TOPIC_PARTITIONS = 3;

    /** The media bucket {@link #s3()} creates, the platform's default {@code desayre.media.s3.bucket}. */
    public static final String BUCKET = "desayre-media";

    private static final Object KAFKA_LOCK = new Object();
    private static final Object POSTGRES_LOCK = new Object();
    private static final Object REDIS_LOCK = new Object();
    private static final Object S3_LOCK = new Object();

    private static @Nullable KafkaBroker kafka;
    private static @Nullable PostgresServer postgres;
    private static @Nullable RedisServer redis;
    private static @Nullable S3MockServer s3;

    /** Started servers, latest first; guarded by {@code TestServers.class}. */
    private static final Deque<AutoCloseable> started = new ArrayDeque<>();
    private static boolean shutdownHookAdded;

    /** The shared KRaft broker, with every topic of {@link Topics#all()} created ({@value #TOPIC_PARTITIONS} partitions, leaders elected). */
    public static KafkaBroker kafka() {
        synchronized (KAFKA_LOCK) {
            if (kafka == null) {
                KafkaBroker broker = KafkaBroker.start(0, null);
                try {
                    broker.createTopics(Topics.all(), TOPIC_PARTITIONS);
                } catch (RuntimeException e) {
                    broker.close();
                    throw e;
                }
                kafka = closeAtExit(broker);
            }
            return kafka;
        }
    }

    /** The shared PostgreSQL, with the database {@value PostgresServer#DEFAULT_DATABASE}. */
    public static PostgresServer postgres() {
        synchronized (POSTGRES_LOCK) {
            if (postgres == null) {
                postgres = closeAtExit(PostgresServer.start(0, null));
            }
            return postgres;
        }
    }

    /** The shared Redis (no persistence). */
    public static RedisServer redis() {
        synchronized (REDIS_LOCK) {
            if (redis == null) {
                redis = closeAtExit(RedisServer.start(0, null));
            }
            return redis;
        }
    }

    /** The shared S3Mock, with the bucket {@value #BUCKET}. */
    public static S3MockServer s3() {
        synchronized (S3_LOCK) {
            if (s3 == null) {
                s3 = closeAtExit(S3MockServer.start(0, null, List.of(BUCKET)));
            }
            return s3;
        }
    }

    /** Starts whichever of the four servers are not running yet, side by side. */
    public static void startAll() {
        List<Supplier<?>> starters = List.of(TestServers::kafka, TestServers::postgres, TestServers::redis, TestServers::s3);
        Executor threadPerServer = task -> {
            Thread thread = new Thread(task, "test-servers-start");
            thread.setDaemon(true);
            thread.start();
        };
        var starts = starters.stream().map(starter -> CompletableFuture.supplyAsync(starter, threadPerServer)).toList();
        try {
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** {@code spring.kafka.bootstrap-servers} and the Kafka binder's brokers. */
    public static Map<String, String> kafkaProperties() {
        return kafka().springProperties();
    }

    /** {@code spring.r2dbc.*} and {@code spring.flyway.*} for the database {@value PostgresServer#DEFAULT_DATABASE}. */
    public static Map<String, String> postgresProperties() {
        return postgres().springProperties();
    }

    /** {@code spring.data.redis.url}. */
    public static Map<String, String> redisProperties() {
        return redis().springProperties();
    }

    /** {@code desayre.media.s3.*} for the bucket {@value #BUCKET}. */
    public static Map<String, String> s3Properties() {
        return s3().springProperties(BUCKET);
    }

    /** The properties of all four servers (started side by side if needed). */
    public static Map<String, String> springProperties() {
        startAll();
        var all = new LinkedHashMap<String, String>();
        all.putAll(kafkaProperties());
        all.putAll(postgresProperties());
        all.putAll(redisProperties());
        all.putAll(s3Properties());
        return Map.copyOf(all);
    }

    private static <T extends AutoCloseable> T closeAtExit(T server) {
        synchronized (TestServers.class) {
            started.push(server);
            if (!shutdownHookAdded) {
                Runtime.getRuntime().addShutdownHook(new Thread(TestServers::closeAll, "test-servers-shutdown"));
                shutdownHookAdded = true;
            }
        }
        return server;
    }

    private static void closeAll() {
        synchronized (TestServers.class) {
            while (!started.isEmpty()) {
                AutoCloseable server = started.pop();
                try {
                    server.close();
                } catch (Exception e) {
                    log.warn("Could not close {}: {}", server, e.toString());
                }
            }
        }
    }

    private TestServers() {
    }
}
