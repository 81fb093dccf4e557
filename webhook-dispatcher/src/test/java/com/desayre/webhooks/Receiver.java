package com.desayre.webhooks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A real webhook receiver on loopback (the JDK's HttpServer): records every request, answers as each path is told. */
final class Receiver implements AutoCloseable {
    record Request(String path, String host, String id, String timestamp, String signature, String body, int answered) {
    }

    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, ConcurrentLinkedQueue<Integer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            var path = exchange.getRequestURI().getPath();
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var hold = holds.remove(path);
            if (hold != null) {
                try {
                    hold.await(30, TimeUnit.SECONDS); // hangs until released (or the client gives up)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            var script = scripts.get(path);
            Integer scripted = script == null ? null : script.poll();
            int status = scripted == null ? 200 : scripted;
            var headers = exchange.getRequestHeaders();
            requests.add(new Request(path, headers.getFirst("Host"), headers.getFirst("webhook-id"), headers.getFirst("webhook-timestamp"),
                    headers.getFirst("webhook-signature"), body, status));
            var redirect = redirects.get(path);
            if (redirect != null) {
                exchange.getResponseHeaders().add("Location", redirect);
                status = 302;
            }
            var answer = ("{\"seen\":\"" + path + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The statuses the path answers with, in turn (then 200). */
    void answer(String path, Integer... statuses) {
        scripts.put(path, new ConcurrentLinkedQueue<>(List.of(statuses)));
    }

    /** The next request to the path hangs until the latch is counted down. */
    CountDownLatch hold(String path) {
        var latch = new CountDownLatch(1);
        holds.put(path, latch);
        return latch;
    }

    void redirect(String path, String location) {
        redirects.put(path, location);
    }

    List<Request> to(String path) {
        return requests.stream().filter(request -> request.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
