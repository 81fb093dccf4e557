package com.desayre.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Picks free loopback ports for servers that cannot report the port they bound to. Another process
 * may take the port before the server binds it, so launchers retry with a new port when that happens.
 */
final class FreePort {

    /** How often a launcher tries again with a new port when the one it picked was taken meanwhile. */
    static final int ATTEMPTS = 3;

    static int pick() {
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
