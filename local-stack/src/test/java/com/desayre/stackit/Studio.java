package com.desayre.stackit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.local.ServiceStack;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import com.desayre.testsupport.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole studio for end-to-end tests, started once per test JVM against the test kit's real
 * Kafka, PostgreSQL, Redis and S3 server and the provider simulator, exactly as {@code ./desayre
 * up} composes it; and a small HTTP + SSE client that calls it as a person's program would.
 */
public final class Studio {
    /** The admin's password (and every {@link #account} one's). */
    public static final String PASSWORD = "correct horse battery staple";
    static final String JWT_SECRET = "an-end-to-end-test-secret-of-at-least-32-bytes";
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Studio running;

    final ProviderSimulator simulator;
    final ServiceStack stack;
    public final String base;
    final String token;

    private Studio(ProviderSimulator simulator, ServiceStack stack, String base, String token) {
        this.simulator = simulator;
        this.stack = stack;
        this.base = base;
        this.token = token;
    }

    /** The JVM's studio, started on first use (the command-line client's CliIT uses it too, from its own package). */
    public static synchronized Studio get() throws Exception {
        if (running == null) {
            var simulator = ProviderSimulator.start(SimulatorSettings.defaults());
            var common = new HashMap<String, Object>(TestServers.springProperties());
            common.put("desayre.modelslabs.base-url", simulator.baseUrl());
            common.put("desayre.modelslabs.api-key", "test-key");
            common.put("desayre.xai.base-url", simulator.baseUrl());
            common.put("desayre.xai.api-key", "test-key");
            common.put("desayre.data-dir", System.getProperty("java.io.tmpdir") + "/e2e-data");
            var gateway = Map.<String, Object>of(
                    "server.port", 0,
                    "desayre.auth.jwt-secret", JWT_SECRET,
                    "desayre.auth.admin-password", PASSWORD,
                    // every test here signs in as admin: limits stay on, but far above what they spend
                    "desayre.limits.user.capacity", 10_000,
                    "desayre.limits.max-in-flight", 1_000,
                    "desayre.limits.daily-quota", 1_000_000);
            var stack = ServiceStack.start(common, gateway);
            var base = "http://127.0.0.1:" + stack.gatewayPort();
            // ready = the gateway's status stream is assigned, so no status of ours is missed
            await().atMost(Duration.ofSeconds(60)).until(() -> send(base, "GET", "/actuator/health", null, null).statusCode() == 200);
            var login = send(base, "POST", "/api/auth/login", null, "{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}");
            assertThat(login.statusCode()).isEqualTo(200);
            running = new Studio(simulator, stack, base, JSON.readTree(login.body()).get("token").asString());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stack.close();
                simulator.close();
            }));
        }
        return running;
    }

    /** Another real account (a member unless {@code role} says otherwise), signed in: its session token. */
    public String account(String username, String role) throws Exception {
        var created = post("/api/admin/users", token,
                "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\",\"role\":\"" + role + "\"}");
        assertThat(created.statusCode()).as(created.body()).isIn(201, 409);
        var login = post("/api/auth/login", null, "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        return JSON.readTree(login.body()).get("token").asString();
    }

    /** Stops the gateway (the other services go on), runs {@code whileDown}, starts it again and waits until it is ready. */
    void restartGateway(ThrowingRunnable whileDown) throws Exception {
        stack.stopGateway();
        try {
            whileDown.run();
        } finally {
            stack.startGateway();
            await().atMost(Duration.ofSeconds(120)).until(() -> send(base, "GET", "/actuator/health", null, null).statusCode() == 200);
        }
    }

    HttpResponse<String> get(String path, String bearer) throws Exception {
        return send(base, "GET", path, bearer, null);
    }

    HttpResponse<String> post(String path, String bearer, String json) throws Exception {
        return send(base, "POST", path, bearer, json);
    }

    HttpResponse<String> delete(String path, String bearer) throws Exception {
        return send(base, "DELETE", path, bearer, null);
    }

    HttpResponse<byte[]> bytes(String path, String bearer, Map<String, String> headers) throws Exception {
        var request = request(base, path, bearer);
        headers.forEach(request::header);
        return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Submits an image job and returns its id. */
    public String submitImage(String prompt, String aspectRatio) throws Exception {
        var accepted = post("/api/generate/image", token, "{\"prompt\":\"" + prompt + "\",\"aspectRatio\":\"" + aspectRatio + "\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return JSON.readTree(accepted.body()).get("jobId").asString();
    }

    /** Waits (bounded) until the job is terminal, and returns it. */
    public JsonNode awaitTerminal(String jobId) {
        var job = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var response = get("/api/jobs/" + jobId, token);
            if (response.statusCode() != 200) {
                return false;
            }
            job[0] = JSON.readTree(response.body());
            var status = job[0].get("status").asString();
            return status.equals("COMPLETED") || status.equals("FAILED") || status.equals("CANCELLED");
        });
        return job[0];
    }

    /**
     * Reads a whole SSE stream (it ends after a terminal status) and returns each status event's
     * data. Bounded: a stream that never ends fails the test instead of hanging it.
     */
    List<JsonNode> sse(String path) throws Exception {
        return sse(path, token);
    }

    /** As {@link #sse(String)}, signed in with {@code bearer}. */
    List<JsonNode> sse(String path, String bearer) throws Exception {
        var response = HTTP.send(request(base, path, bearer).header("Accept", "text/event-stream").timeout(Duration.ofSeconds(60))
                .GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        var events = new java.util.concurrent.CopyOnWriteArrayList<JsonNode>();
        var reading = java.util.concurrent.CompletableFuture.runAsync(() -> {
            var name = new String[1];
            response.body().forEach(line -> {
                if (line.startsWith("event:")) {
                    name[0] = line.substring(6).strip();
                } else if (line.startsWith("data:") && "status".equals(name[0])) {
                    events.add(JSON.readTree(line.substring(5)));
                }
            });
        });
        try {
            reading.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            response.body().close();
            throw new AssertionError("the event stream " + path + " did not end within 60 s; it sent " + events, e);
        }
        return List.copyOf(events);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** One server-sent event: its id and its data. */
    record Event(String id, JsonNode data) {
    }

    /**
     * Reads an event stream that does not end by itself (e.g. {@code /api/events}) until
     * {@code done} holds for the events so far, or fails after 60 s.
     */
    List<Event> sseUntil(String path, Map<String, String> headers, java.util.function.Predicate<List<Event>> done) throws Exception {
        return sseUntil(path, headers, () -> { }, done);
    }

    /** As above; {@code onOpen} runs once the stream is listening (its headers arrived). */
    List<Event> sseUntil(String path, Map<String, String> headers, ThrowingRunnable onOpen,
                         java.util.function.Predicate<List<Event>> done) throws Exception {
        return sseUntil(path, token, headers, onOpen, done);
    }

    /** As above, signed in with {@code bearer}. */
    List<Event> sseUntil(String path, String bearer, Map<String, String> headers, ThrowingRunnable onOpen,
                         java.util.function.Predicate<List<Event>> done) throws Exception {
        var request = request(base, path, bearer).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        var response = HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        onOpen.run();
        var events = new java.util.concurrent.CopyOnWriteArrayList<Event>();
        var reading = java.util.concurrent.CompletableFuture.runAsync(() -> {
            var id = new String[1];
            var lines = response.body().iterator();
            while (lines.hasNext()) {
                var line = lines.next();
                if (line.startsWith("id:")) {
                    id[0] = line.substring(3).strip();
                } else if (line.startsWith("data:")) {
                    events.add(new Event(id[0], JSON.readTree(line.substring(5))));
                    if (done.test(List.copyOf(events))) {
                        return;
                    }
                }
            }
        });
        try {
            reading.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the event stream " + path + " did not give what was awaited within 60 s; it sent " + events, e);
        } finally {
            response.body().close();
        }
        return List.copyOf(events);
    }

    HttpResponse<String> post(String path, String bearer, String json, Map<String, String> headers) throws Exception {
        var request = request(base, path, bearer).header("Content-Type", "application/json");
        headers.forEach(request::header);
        return HTTP.send(request.POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A multipart/form-data POST: form fields, plus a file part named {@code fileField} when {@code file} is not null. */
    HttpResponse<String> postMultipart(String path, Map<String, String> fields, String fileField, byte[] file,
                                       String fileType, Map<String, String> headers) throws Exception {
        var boundary = "desayre-" + java.util.UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        for (var field : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey() + "\"\r\n\r\n"
                    + field.getValue() + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (file != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField
                    + "\"; filename=\"source\"\r\nContent-Type: " + fileType + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            body.writeBytes(file);
            body.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var request = request(base, path, token).header("Content-Type", "multipart/form-data; boundary=" + boundary);
        headers.forEach(request::header);
        return HTTP.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String base, String path, String bearer) {
        var builder = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path)).timeout(Duration.ofSeconds(30));
        return bearer == null ? builder : builder.header("Authorization", "Bearer " + bearer);
    }

    private static HttpResponse<String> send(String base, String method, String path, String bearer, String json) throws Exception {
        var request = request(base, path, bearer);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        var body = json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json);
        return HTTP.send(request.method(method, body).build(), HttpResponse.BodyHandlers.ofString());
    }
}
