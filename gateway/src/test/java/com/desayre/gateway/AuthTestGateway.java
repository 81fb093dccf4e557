package com.desayre.gateway;

import com.desayre.embedded.SpringProperties;
import com.desayre.gateway.accounts.Sessions;
import com.desayre.testsupport.TestServers;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A gateway on the shared real servers (Postgres, Redis, Kafka from {@link TestServers}), and a
 * small HTTP client that speaks to it the way browsers and programs do.
 */
public final class AuthTestGateway implements AutoCloseable {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    public static final String SECRET = "an-auth-test-secret-that-is-at-least-32-bytes";
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    private final ConfigurableApplicationContext context;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    public final String base;

    public AuthTestGateway(Map<String, String> extra) {
        var properties = new HashMap<String, String>();
        properties.putAll(TestServers.kafkaProperties());
        properties.putAll(TestServers.redisProperties());
        properties.putAll(TestServers.postgresProperties());
        properties.put("server.port", "0");
        properties.put("desayre.data-dir", System.getProperty("java.io.tmpdir") + "/auth-it");
        properties.put("desayre.auth.jwt-secret", SECRET);
        // the fewest bcrypt rounds: the suites sign in hundreds of times, and at 10 rounds that was ~150 ms of CPU each
        properties.put("desayre.auth.bcrypt-strength", "4");
        // behind a proxy: tests choose each client's address with X-Forwarded-For
        properties.put("server.forward-headers-strategy", "framework");
        properties.putAll(extra);
        context = GatewayApplication.builder().web(WebApplicationType.REACTIVE).run(SpringProperties.asArguments(properties));
        base = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /**
     * Creates the job tables in {@code public} with storage-sink's own migrations, as a deployment
     * has them before the gateway reads history (idempotent: Flyway skips what is applied).
     */
    public static void withJobTables() {
        var db = TestServers.postgresProperties();
        org.flywaydb.core.Flyway.configure()
                .dataSource(db.get("spring.flyway.url"), db.get("spring.flyway.user"), db.get("spring.flyway.password"))
                .locations("classpath:db/migration").table("flyway_history_storage_sink").load().migrate();
    }

    /** A fresh client address (TEST-NET-3), so one test's sign-in failures don't count against another's. */
    public static String newAddress() {
        var n = ADDRESSES.incrementAndGet();
        return "203.0." + (113 + n / 250) + "." + (1 + n % 250);
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** One request. {@code headers} are name/value pairs; {@code json} null for no body. */
    public HttpResponse<String> call(String method, String path, String json, String... headers) {
        var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        if (json != null) {
            builder.header("Content-Type", "application/json");
        }
        builder.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One request with a body of the given content type. */
    public HttpResponse<String> callWithBody(String method, String path, String contentType, String body, String... headers) {
        var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A multipart/form-data POST: the form fields, then {@code image} as the file part 'image'. */
    public HttpResponse<String> postMultipart(String path, Map<String, String> fields, byte[] image, String... headers) {
        var boundary = "desayre-" + UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        fields.forEach((name, value) -> body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                + "\"\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8)));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"source.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(image);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An open {@code text/event-stream}, read line by line in the background until the server ends
     * it. {@code headers} are name/value pairs (the credential).
     */
    public EventStream openEvents(String path, String... headers) {
        var builder = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream").GET();
        if (headers.length > 0) {
            builder.headers(headers);
        }
        try {
            var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofLines());
            var lines = new CopyOnWriteArrayList<String>();
            var reading = CompletableFuture.runAsync(() -> response.body().forEach(lines::add));
            return new EventStream(response, lines, reading);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public record EventStream(HttpResponse<Stream<String>> response, List<String> lines, CompletableFuture<Void> reading)
            implements AutoCloseable {
        public int status() {
            return response.statusCode();
        }

        /** The server ended the stream (and every line of it was read). */
        public boolean ended() {
            return reading.isDone();
        }

        /** The {@code data:} of each event named {@code name}. */
        public List<String> data(String name) {
            var found = new java.util.ArrayList<String>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).equals("event:" + name)) {
                    for (int j = i + 1; j < lines.size() && !lines.get(j).isEmpty(); j++) {
                        if (lines.get(j).startsWith("data:")) {
                            found.add(lines.get(j).substring(5));
                        }
                    }
                }
            }
            return found;
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public HttpResponse<String> login(String username, String password, String address) {
        return call("POST", "/api/auth/login", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}",
                "X-Forwarded-For", address);
    }

    /** Signs in and answers the Bearer token. */
    public String token(String username, String password) {
        var login = login(username, password, newAddress());
        if (login.statusCode() != 200) {
            throw new AssertionError("sign-in of " + username + " answered " + login.statusCode() + ": " + login.body());
        }
        return json(login).get("token").asString();
    }

    /** Creates a user through the admin API. */
    public void createUser(String adminToken, String username, String password, String role) {
        var created = call("POST", "/api/admin/users",
                "{\"username\":\"" + username + "\",\"password\":\"" + password + "\",\"role\":\"" + role + "\"}",
                "Authorization", "Bearer " + adminToken);
        if (created.statusCode() != 201) {
            throw new AssertionError("creating " + username + " answered " + created.statusCode() + ": " + created.body());
        }
    }

    public static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /** The value of one cookie set by the response, or null. */
    public static String cookie(HttpResponse<?> response, String name) {
        return cookies(response).get(name);
    }

    static Map<String, String> cookies(HttpResponse<?> response) {
        var cookies = new LinkedHashMap<String, String>();
        for (var header : response.headers().allValues("Set-Cookie")) {
            var pair = header.substring(0, header.contains(";") ? header.indexOf(';') : header.length());
            var eq = pair.indexOf('=');
            cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return cookies;
    }

    public static List<String> setCookieHeaders(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith(name + "=")).toList();
    }

    /** A session token signed with {@code secret}, with the claims the gateway issues. */
    public static String mint(String secret, String username, String role, int epoch, String sid, Instant authTime, Instant issuedAt,
                       Instant expiresAt) {
        var key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        var claims = JwtClaimsSet.builder().issuer(Sessions.ISSUER).audience(List.of(Sessions.AUDIENCE)).subject(username).issuedAt(issuedAt).expiresAt(expiresAt)
                .id(UUID.randomUUID().toString())
                .claim(Sessions.SESSION_ID, sid)
                .claim(Sessions.AUTH_TIME, authTime.getEpochSecond())
                .claim(Sessions.EPOCH, epoch)
                .claim(Sessions.ROLE, role)
                .build();
        return new NimbusJwtEncoder(new ImmutableSecret<>(key))
                .encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).type("JWT").build(), claims)).getTokenValue();
    }

    @Override
    public void close() {
        context.close();
    }
}
