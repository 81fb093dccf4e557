package com.desayre.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis server (the redis-server 6.2 binary shipped by codemonstur's embedded-redis) bound
 * to 127.0.0.1. Given a data directory, Redis keeps an append-only file and snapshots there, so a
 * restart keeps the data; without one it persists nothing.
 */
public final class RedisServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisServer.class);

    private final redis.embedded.RedisServer server;
    private final ServerDirectory directory;
    private final int port;
    private boolean closed;

    private RedisServer(redis.embedded.RedisServer server, ServerDirectory directory, int port) {
        this.server = server;
        this.directory = directory;
        this.port = port;
    }

    /**
     * Starts Redis.
     *
     * @param port    the port; 0 picks a free one
     * @param dataDir where the append-only file and snapshots go, kept across restarts; {@code null}
     *                for no persistence (a temporary working directory only)
     */
    public static RedisServer start(int port, @Nullable Path dataDir) {
        long started = System.nanoTime();
        ServerDirectory directory = ServerDirectory.of(dataDir, "redis-");
        for (int attempt = 1; ; attempt++) {
            int chosen = FreePort.orFree(port);
            try {
                var builder = redis.embedded.RedisServer.newRedisServer()
                        .bind("127.0.0.1")
                        .port(chosen)
                        .setting("dir \"" + directory.path() + "\"")
                        // stdout is read (then closed) by the launcher until "Ready to accept connections";
                        // drain stderr so that it can never fill up
                        .serrListener(line -> log.debug("redis: {}", line));
                if (directory.temporary()) {
                    builder.setting("appendonly no").setting("save \"\"");
                } else {
                    builder.setting("appendonly yes").setting("appendfsync everysec");
                }
                var instance = builder.build();
                instance.start();
                log.info("Redis started on 127.0.0.1:{} in {} ms, data in {}", chosen,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), directory.path());
                return new RedisServer(instance, directory, chosen);
            } catch (IOException e) {
                if (port == 0 && attempt < FreePort.ATTEMPTS) {
                    log.info("Redis could not start on port {} ({}), trying another", chosen, e.getMessage());
                    continue;
                }
                directory.deleteIfTemporary();
                throw new IllegalStateException("cannot start Redis on port " + chosen + " in " + directory.path(), e);
            }
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** The data directory (temporary when none was given). */
    public Path dataDir() {
        return directory.path();
    }

    /** The Spring Boot property that points a service at this server. */
    public Map<String, String> springProperties() {
        return SpringProperties.redis(this);
    }

    /** Stops Redis (SIGTERM: it flushes the append-only file first); a temporary directory is deleted. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.stop();
        } catch (IOException e) {
            log.warn("Redis on port {} did not stop cleanly: {}", port, e.toString());
        }
        directory.deleteIfTemporary();
    }

    @Override
    public String toString() {
        return "RedisServer[" + url() + ", " + directory.path() + "]";
    }
}
