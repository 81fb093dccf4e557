package com.desayre.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * The cluster's control port on 127.0.0.1, for {@code ./desayre chaos} and for people:
 * <ul>
 *   <li>{@code GET /processes}: every part with its state, pid, port, restarts and log;</li>
 *   <li>{@code POST /processes/{name}/kill}: SIGKILL (the supervisor starts it again);</li>
 *   <li>{@code POST /processes/{name}/stop}, {@code …/start}: a graceful stop that lasts until the start.</li>
 * </ul>
 * Errors are problem+json. Loopback only: whoever can reach it can stop the studio.
 */
final class ClusterControl implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, ClusterPart> parts = new LinkedHashMap<>();

    private ClusterControl(HttpServer server) {
        this.server = server;
    }

    static ClusterControl start(int port) {
        try {
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
            var control = new ClusterControl(server);
            server.createContext("/processes", control::handle);
            // a stop waits for the process: one request must not hold up the next
            server.setExecutor(Executors.newFixedThreadPool(4, runnable -> {
                var thread = new Thread(runnable, "cluster-control");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return control;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the cluster's control port " + port, e);
        }
    }

    synchronized void add(ClusterPart part) {
        parts.put(part.name(), part);
    }

    synchronized List<ClusterPart> parts() {
        return List.copyOf(parts.values());
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/processes";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            act(exchange);
        }
    }

    private void act(HttpExchange exchange) throws IOException {
        try {
            var path = exchange.getRequestURI().getPath().split("/");
            // "", "processes"[, name, action]
            if (path.length == 2 && exchange.getRequestMethod().equals("GET")) {
                reply(exchange, 200, "application/json", parts().stream().map(this::json).collect(Collectors.joining(",\n  ", "[\n  ", "\n]\n")));
                return;
            }
            if (path.length != 4 || !exchange.getRequestMethod().equals("POST")) {
                problem(exchange, 404, "no-such-action", "Use GET /processes, or POST /processes/{name}/kill|stop|start.");
                return;
            }
            ClusterPart part;
            synchronized (this) {
                part = parts.get(path[2]);
            }
            if (part == null) {
                problem(exchange, 404, "no-such-process", "There is no process '" + path[2] + "': GET /processes lists them.");
                return;
            }
            switch (path[3]) {
                case "kill" -> part.kill();
                case "stop" -> part.stop();
                case "start" -> part.start();
                default -> {
                    problem(exchange, 404, "no-such-action", "'" + path[3] + "' is not an action: use kill, stop or start.");
                    return;
                }
            }
            reply(exchange, 200, "application/json", json(part) + "\n");
        } catch (UnsupportedOperationException e) {
            problem(exchange, 409, "cannot-kill", e.getMessage());
        } catch (RuntimeException e) {
            problem(exchange, 500, "action-failed", "The action failed: " + e.getMessage());
        }
    }

    private String json(ClusterPart part) {
        // the servers (PostgreSQL, Redis, S3) log into the launcher's own output
        var log = part instanceof ChildProcess child ? Json.string(child.log().toString()) : "null";
        return "{\"name\":%s,\"state\":\"%s\",\"pid\":%d,\"port\":%d,\"restarts\":%d,\"log\":%s}".formatted(
                Json.string(part.name()), part.state(), part.pid(), part.port(), part.restarts(), log);
    }

    private static void problem(HttpExchange exchange, int status, String type, String detail) throws IOException {
        reply(exchange, status, "application/problem+json", "{\"type\":\"/problems/cluster/%s\",\"status\":%d,\"detail\":%s}\n"
                .formatted(type, status, Json.string(detail)));
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        var bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
