package com.desayre.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks free loopback ports for servers that cannot report the port they bound to. Another process
 * may take the port before the server binds it, so launchers retry with a new port when that happens.
 */
final class FreePort {

    /** How often a launcher tries again with a new port when the one it picked was taken meanwhile. */
    static final int ATTEMPTS = 3;

    /**
     * Every port handed out in this JVM: the kernel may offer a port it just offered again, and two picks for one
     * server (Kafka's broker and controller) then collide, which no retry can tell from a port taken meanwhile (CI
     * once failed a test class on "two listeners on the same port").
     */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int TRIES = 100;

    /** A free loopback port, never one handed out before in this JVM. */
    static int pick() {
        for (int i = 0; i < TRIES; i++) {
            int port = anyFree();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no loopback port left that this JVM has not handed out already");
    }

    private static int anyFree() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** The requested port, or a free one when it is 0. */
    static int orFree(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (any free port) or 1-65535, was " + port);
        }
        return port == 0 ? pick() : port;
    }

    private FreePort() {
    }
}
