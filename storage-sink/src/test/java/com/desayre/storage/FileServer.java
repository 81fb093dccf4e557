package com.desayre.storage;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/** Plays a provider's CDN in tests: serves bodies (or streams) by path on a loopback port. */
final class FileServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Body> bodies = new ConcurrentHashMap<>();

    /** Writes a body of a known length. */
    record Body(long length, Consumer<OutputStream> writer, int status) {
    }

    FileServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try (exchange) {
                var body = bodies.get(exchange.getRequestURI().getPath());
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.sendResponseHeaders(body.status(), body.length());
                try (var out = exchange.getResponseBody()) {
                    body.writer().accept(out);
                }
            }
        });
        server.start();
    }

    String serve(String path, byte[] bytes) {
        return serve(path, new Body(bytes.length, out -> write(out, bytes), 200));
    }

    String serve(String path, Body body) {
        bodies.put(path, body);
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private static void write(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
