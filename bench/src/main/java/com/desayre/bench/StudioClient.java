package com.desayre.bench;

import com.desayre.contracts.EventJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The studio's REST API as a bench's people use it: sign-in, making users, JSON posts and gets. */
final class StudioClient {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    StudioClient(String base) {
        this.base = base;
    }

    HttpClient http() {
        return http;
    }

    String base() {
        return base;
    }

    /** A session token for this user. */
    String signIn(String username, String password) throws Exception {
        var login = http.send(post("/api/auth/login", json(Map.of("username", username, "password", password)), null),
                HttpResponse.BodyHandlers.ofString());
        if (login.statusCode() != 200) {
            throw new IllegalStateException("sign-in of " + username + " failed: HTTP " + login.statusCode() + " " + login.body());
        }
        return EventJson.mapper().readTree(login.body()).get("token").asString();
    }

    /** Makes a member (as an admin) and signs them in: their session token. */
    String newMember(String adminToken, String username) throws Exception {
        var password = "tide pools at noon " + java.util.UUID.randomUUID();
        var created = http.send(post("/api/admin/users", json(Map.of("username", username, "password", password, "role", "member")),
                adminToken), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating " + username + ": HTTP " + created.statusCode() + " " + created.body());
        }
        return signIn(username, password);
    }

    /**
     * A personal API key for the signed-in member ({@code POST /api/keys}): what an integrator sends. Unlike a session
     * token it does not run out after {@code DESAYRE_SESSION_TTL} (30 min), which a long run outlasts.
     */
    String newApiKey(String sessionToken, String name) throws Exception {
        var created = http.send(post("/api/keys", json(Map.of("name", name)), sessionToken), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating an API key: HTTP " + created.statusCode() + " " + created.body());
        }
        return EventJson.mapper().readTree(created.body()).get("key").asString();
    }

    HttpRequest post(String path, String json, String bearer) {
        var builder = request(path).header("Content-Type", "application/json");
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        return builder.POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    HttpResponse<String> get(String path, String bearer) throws Exception {
        return http.send(request(path).header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    }

    static String json(Object value) {
        return EventJson.mapper().writeValueAsString(value);
    }
}
