package com.desayre.local;

import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * PostgreSQL, Redis or the S3 server of the cluster: each runs as its own process (the embedded-servers
 * launchers start the real binaries, or S3Mock's jar), started by this JVM on a port that stays the same
 * across a stop and a start, so the services reconnect to the same address when it is back.
 */
final class ServerPart<S extends AutoCloseable> implements ClusterPart {
    private final String name;
    private final IntFunction<S> starter;
    private final ToIntFunction<S> portOf;
    private S server;
    private int port;

    /**
     * @param starter starts the server on the given port (0 the first time: a free one)
     * @param portOf  the port a started server listens on
     */
    ServerPart(String name, IntFunction<S> starter, ToIntFunction<S> portOf) {
        this.name = name;
        this.starter = starter;
        this.portOf = portOf;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void start() {
        if (server == null) {
            server = starter.apply(port);
            port = portOf.applyAsInt(server);
        }
    }

    /** The running server, for the settings that point the services at it. */
    synchronized S server() {
        return server;
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop " + name + ": " + e.getMessage(), e);
            } finally {
                server = null;
            }
        }
    }

    @Override
    public void kill() {
        throw new UnsupportedOperationException(name + " can be stopped and started, not killed: its launcher owns its files");
    }

    @Override
    public synchronized long pid() {
        return -1;
    }

    @Override
    public synchronized String state() {
        return server != null ? "running" : "stopped";
    }

    @Override
    public int restarts() {
        return 0;
    }

    @Override
    public synchronized int port() {
        return port;
    }
}
