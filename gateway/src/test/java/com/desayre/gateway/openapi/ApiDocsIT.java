package com.desayre.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.gateway.AuthTestGateway;
import com.desayre.gateway.generation.GenerationController;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document served by a real gateway: every route is there, the request bodies list
 * exactly the fields their controllers accept (so the document and the code can't drift), and
 * nothing the gateway resolves itself (the signed-in user, the exchange) shows up as a parameter.
 * Each operation says its real statuses and media types and who may call it (proved by calling it),
 * and {@code redocly lint} finds no error. The document is written to {@code target/openapi.json}
 * for {@code api-client-it}, which generates a Java client from it.
 */
class ApiDocsIT {
    private static final String ADMIN_PASSWORD = "the api docs admin's passphrase";
    private static final String WORKER_SECRET = "the api docs worker secret, at least 32 bytes";
    private static AuthTestGateway gateway;
    /** Where the served document is written: api-client-it generates its client from this file. */
    static final Path DOCUMENT = Path.of("target/openapi.json");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static JsonNode api;

    @BeforeAll
    static void start() throws Exception {
        // job history and media are read from storage-sink's tables: there, every operation answers as it would deployed
        AuthTestGateway.withJobTables();
        gateway = new AuthTestGateway(Map.of("desayre.auth.admin-password", ADMIN_PASSWORD, "desayre.queues.worker-secret", WORKER_SECRET));
        // the first document is built on demand, scanning every controller: on a busy machine that takes a while
        var response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.base + "/v3/api-docs"))
                .timeout(Duration.ofMinutes(3)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("the document needs no sign-in").isEqualTo(200);
        api = AuthTestGateway.json(response);
        // the served document, for redocly here and for the client api-client-it generates from it
        Files.writeString(DOCUMENT, AuthTestGateway.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(api));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void redoclyFindsNoErrors() throws Exception {
        var lint = RedoclyLint.lint(DOCUMENT);
        System.out.println(lint.output());
        assertThat(lint.exitCode()).as("redocly lint %s:%n%s", DOCUMENT, lint.output()).isZero();
    }

    @Test
    void everyRouteIsDocumented() {
        var paths = new TreeSet<String>();
        api.get("paths").propertyNames().forEach(paths::add);
        assertThat(paths).contains("/api/generate/image", "/api/generate/edit", "/api/generate/video", "/api/jobs/{jobId}",
                "/api/jobs/{jobId}/cancel", "/api/jobs/{jobId}/retry", "/api/jobs/{jobId}/events", "/api/events", "/api/history",
                "/api/history/{jobId}", "/api/auth/login", "/api/auth/me", "/api/keys", "/api/admin/users", "/api/prompts/preview",
                "/api/limits", "/api/admin/users/{username}/quota", "/api/worker", "/api/admin/queues",
                "/api/admin/queues/dlq/{topic}", "/api/admin/stats", "/api/webhooks", "/api/webhooks/{id}", "/api/webhooks/{id}/rotate",
                "/api/webhooks/{id}/test", "/api/webhooks/{id}/deliveries", "/api/webhooks/{id}/deliveries/{deliveryId}/redeliver");
        assertThat(api.at("/components/securitySchemes").propertyNames()).contains("bearer", "apiKey", "session");
    }

    @Test
    void requestBodiesAreTheirRecords() throws ClassNotFoundException {
        // the JSON bodies are the records Spring binds: springdoc describes them, so this checks springdoc sees them whole
        assertThat(properties("POST", "/api/generate/image", "application/json")).isEqualTo(components("generation.ImageRequest"));
        assertThat(properties("POST", "/api/generate/edit", "application/json")).isEqualTo(components("generation.EditRequest"));
        assertThat(properties("POST", "/api/generate/video", "application/json")).isEqualTo(components("generation.VideoRequest"));
        assertThat(properties("POST", "/api/prompts/preview", "application/json")).isEqualTo(components("generation.PreviewRequest"));
        // multipart: the JSON fields but the source job, plus the file
        var upload = new TreeSet<>(components("generation.EditRequest"));
        upload.remove("sourceJobId");
        upload.add(GenerationController.IMAGE_PART);
        assertThat(properties("POST", "/api/generate/edit", "multipart/form-data")).isEqualTo(upload);
        var videoUpload = new TreeSet<>(components("generation.VideoRequest"));
        videoUpload.remove("sourceJobId");
        videoUpload.add(GenerationController.IMAGE_PART);
        assertThat(properties("POST", "/api/generate/video", "multipart/form-data")).isEqualTo(videoUpload);
        assertThat(properties("PUT", "/api/admin/users/{username}/quota", "application/json")).isEqualTo(components("limits.QuotaChange"));
        assertThat(properties("POST", "/api/keys", "application/json")).isEqualTo(components("keys.NewKeyRequest"));
        assertThat(properties("POST", "/api/webhooks", "application/json")).isEqualTo(components("webhooks.NewWebhookRequest"));
        assertThat(properties("PATCH", "/api/webhooks/{id}", "application/json")).isEqualTo(components("webhooks.WebhookChange"));
        assertThat(properties("POST", "/api/worker", "application/json")).isEqualTo(components("queues.QueueAction"));
        assertThat(properties("POST", "/api/admin/queues", "application/json")).isEqualTo(components("queues.QueueAction"));
    }

    @Test
    void theSchemaIsAsStrictAsTheServer() {
        for (var path : new String[] {"/api/generate/image", "/api/generate/edit", "/api/generate/video", "/api/prompts/preview"}) {
            var schema = schema("POST", path, "application/json");
            assertThat(schema.get("required").toString()).as(path).contains("prompt");
            var prompt = schema.at("/properties/prompt");
            assertThat(prompt.get("minLength").asInt()).as(path).isEqualTo(1);
            assertThat(prompt.get("maxLength").asInt()).as(path).isEqualTo(4000);
        }
        var image = schema("POST", "/api/generate/image", "application/json");
        assertThat(image.at("/properties/n/minimum").asInt()).isEqualTo(1);
        assertThat(image.at("/properties/n/maximum").asInt()).isEqualTo(4);
        assertThat(image.at("/properties/seed/minimum").asInt()).isEqualTo(0);
        assertThat(image.at("/properties/maxWaitSeconds/maximum").asInt()).isEqualTo(86_400);
        assertThat(schema("POST", "/api/generate/edit", "application/json").get("required").toString()).contains("sourceJobId");
        assertThat(image.at("/properties/styleProfile/enum").toString()).contains("desayre-cinematic");
        assertThat(image.at("/properties/priority/enum").toString()).isEqualTo("[\"interactive\",\"batch\"]");
        var history = api.at("/paths/~1api~1history/get/parameters");
        history.forEach(parameter -> {
            if (parameter.get("name").asString().equals("limit")) {
                assertThat(parameter.at("/schema/minimum").asInt()).isEqualTo(1);
                assertThat(parameter.at("/schema/maximum").asInt()).isEqualTo(100);
            }
        });
        var video = schema("POST", "/api/generate/video", "application/json");
        assertThat(video.at("/properties/durationSeconds/default").asInt()).isEqualTo(8);
        assertThat(video.at("/properties/resolution/default").asString()).isEqualTo("480p");
    }

    @Test
    void fieldsThatCanBeNullSayIt() {
        for (var field : new String[] {"KeyView.lastUsedAt", "JobView.error", "JobView.encoding", "JobView.queue", "Item.seed",
                "Item.error", "Page.nextCursor", "UserView.lastLoginAt"}) {
            var names = field.split("\\.");
            var property = api.at("/components/schemas/" + names[0] + "/properties/" + names[1]);
            assertThat(property.isMissingNode()).as(field).isFalse();
            assertThat(nullable(property)).as("%s: %s", field, property).isTrue();
        }
        assertThat(nullable(api.at("/components/schemas/JobView/properties/jobId"))).isFalse();
    }

    /** OpenAPI 3.0 says {@code nullable: true}; 3.1 lists "null" among the types (of the property or one of its alternatives). */
    private static boolean nullable(JsonNode property) {
        return property.path("nullable").asBoolean(false) || property.path("type").toString().contains("\"null\"")
                || property.path("types").toString().contains("\"null\"") || property.path("oneOf").toString().contains("\"null\"")
                || property.path("anyOf").toString().contains("\"null\"");
    }

    private static Set<String> components(String record) throws ClassNotFoundException {
        var names = new TreeSet<String>();
        for (var component : Class.forName("com.desayre.gateway." + record).getRecordComponents()) {
            names.add(component.getName());
        }
        return names;
    }

    @Test
    void whatTheGatewayResolvesItselfIsNotAParameter() {
        var parameters = api.at("/paths/~1api~1generate~1image/post/parameters");
        var names = new TreeSet<String>();
        parameters.forEach(p -> names.add(p.get("name").asString()));
        assertThat(names).containsOnly("Idempotency-Key");
    }

    @Test
    void theUiIsServed() {
        var ui = gateway.call("GET", "/swagger-ui.html", null);
        assertThat(ui.statusCode()).isIn(200, 302);
    }

    @Test
    void eachOperationAnswersItsRealStatusAndMediaTypes() {
        var image = api.at("/paths/~1api~1generate~1image/post/responses");
        assertThat(image.has("202")).isTrue();
        assertThat(image.at("/202/headers").has("Location")).isTrue();
        assertThat(image.at("/202/headers").has("RateLimit")).isTrue();
        // one job, or with n > 1 a list: each named, for generated clients
        assertThat(image.at("/202/content/application~1json/schema/$ref").asString()).isEqualTo("#/components/schemas/Submission");
        assertThat(api.at("/components/schemas/Submission/oneOf").toString()).contains("Accepted", "AcceptedJobs");
        assertThat(image.at("/429/headers").has("Retry-After")).isTrue();
        assertThat(examples(image.get("429"))).contains("rate-limited", "too-many-in-flight", "daily-quota-exceeded");
        assertThat(examples(image.get("503"))).contains("queue-full", "service-unavailable");
        assertThat(api.at("/paths/~1api~1keys/post/responses").has("201")).isTrue();
        assertThat(api.at("/paths/~1api~1webhooks/post/responses").has("201")).isTrue();
        assertThat(examples(api.at("/paths/~1api~1webhooks/post/responses/400"))).contains("webhook-url-refused", "invalid-request");
        assertThat(api.at("/paths/~1api~1admin~1users/post/responses").has("201")).isTrue();
        assertThat(api.at("/paths/~1api~1history~1{jobId}/delete/responses").has("204")).isTrue();
        assertThat(api.at("/paths/~1api~1keys~1{id}/delete/responses").has("204")).isTrue();
        assertThat(examples(api.at("/paths/~1api~1jobs~1{jobId}~1cancel/post/responses/409"))).containsExactly("job-finished");
        assertThat(api.at("/paths/~1api~1events/get/responses/200/content").has("text/event-stream")).isTrue();
        assertThat(api.at("/paths/~1api~1jobs~1{jobId}~1events/get/responses/200/content").has("text/event-stream")).isTrue();
        assertThat(api.at("/paths/~1api~1media~1{jobId}~1{file}/get/responses/200/content").has("image/png")).isTrue();
        var operationIds = new TreeSet<String>();
        api.get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            var where = operation.getKey() + " " + path.getKey();
            operationIds.add(operation.getValue().get("operationId").asString());
            operation.getValue().get("responses").properties().forEach(response -> {
                assertThat(response.getValue().path("content").has("*/*")).as("%s %s says what it answers", where, response.getKey()).isFalse();
                // (416 has no body: just the Content-Range)
                if ((response.getKey().startsWith("4") || response.getKey().startsWith("5")) && response.getValue().has("content")) {
                    assertThat(response.getValue().at("/content/application~1problem+json/schema/$ref").asString())
                            .as("%s %s", where, response.getKey()).isEqualTo("#/components/schemas/Problem");
                }
            });
        }));
        // method names of a generated client
        assertThat(operationIds).allMatch(id -> id.matches("[a-z][A-Za-z]+"), "lowerCamelCase, no numbering")
                .contains("signIn", "generateImage", "getJob", "downloadMedia", "getQueueStatus", "getQueueStatusAsWorker");
    }

    /**
     * The security each operation declares is what the gateway enforces: every operation is called with no credential,
     * a session token, an API key (as Bearer and as X-API-Key), the worker secret and a session cookie with and without
     * its XSRF echo, and is let in (anything but 401 and 403) exactly when one of its security requirements is met.
     */
    @Test
    void eachOperationLetsInExactlyTheCredentialsItsSecurityNames() throws Exception {
        var admin = gateway.token("admin", ADMIN_PASSWORD);
        var apiKey = AuthTestGateway.json(gateway.call("POST", "/api/keys", "{\"name\":\"api docs\"}", "Authorization", "Bearer " + admin))
                .get("key").asString();
        var login = gateway.login("admin", ADMIN_PASSWORD, AuthTestGateway.newAddress());
        var cookies = "DESAYRE_SESSION=" + AuthTestGateway.cookie(login, "DESAYRE_SESSION") + "; XSRF-TOKEN="
                + AuthTestGateway.cookie(login, "XSRF-TOKEN");
        var xsrf = AuthTestGateway.cookie(login, "XSRF-TOKEN");
        var wrong = new ArrayList<String>();
        for (var path : (Iterable<Map.Entry<String, JsonNode>>) api.get("paths").properties()::iterator) {
            for (var operation : (Iterable<Map.Entry<String, JsonNode>>) path.getValue().properties()::iterator) {
                var method = operation.getKey().toUpperCase(Locale.ROOT);
                var url = path.getKey().replaceAll("\\{[^}]+}", "nothing-here");
                var schemes = new HashSet<Set<String>>();
                operation.getValue().get("security").forEach(requirement -> schemes.add(new TreeSet<>(requirement.propertyNames())));
                if (schemes.isEmpty()) {
                    expect(wrong, method, url, "no credential", true, call(method, url));
                    continue;
                }
                expect(wrong, method, url, "no credential", false, call(method, url));
                // signing out ends the session it is called with: each credential that is a session gets its own
                var logout = url.equals("/api/auth/logout");
                var bearer = logout ? gateway.token("admin", ADMIN_PASSWORD) : admin;
                if (url.equals("/api/auth/sessions/end-others")) {
                    // ending the others would end the admin's sessions this test goes on with: a member of its own calls it
                    expectEndOthers(wrong, method, url, schemes, apiKey);
                    continue;
                }
                expect(wrong, method, url, "a session token", schemes.contains(Set.of("bearer")), call(method, url,
                        "Authorization", "Bearer " + bearer));
                expect(wrong, method, url, "an API key as Bearer", schemes.contains(Set.of("apiKey")), call(method, url,
                        "Authorization", "Bearer " + apiKey));
                expect(wrong, method, url, "an API key as X-API-Key", schemes.contains(Set.of("apiKeyHeader")), call(method, url,
                        "X-API-Key", apiKey));
                expect(wrong, method, url, "the worker secret", schemes.contains(Set.of("workerSecret")), call(method, url,
                        "X-Worker-Secret", WORKER_SECRET));
                if (!logout) {
                    expect(wrong, method, url, "a session cookie without X-XSRF-TOKEN", schemes.contains(Set.of("session")),
                            call(method, url, "Cookie", cookies));
                    expect(wrong, method, url, "a session cookie with X-XSRF-TOKEN", schemes.contains(Set.of("session"))
                            || schemes.contains(Set.of("session", "xsrf")), call(method, url, "Cookie", cookies, "X-XSRF-TOKEN", xsrf));
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** Each credential that is a session is a fresh one of a new member: the call ends the member's other sessions. */
    private static void expectEndOthers(List<String> wrong, String method, String url, Set<Set<String>> schemes, String apiKey)
            throws Exception {
        var member = AuthTestGateway.unique("docs");
        gateway.createUser(gateway.token("admin", ADMIN_PASSWORD), member, "a member's test passphrase", "member");
        expect(wrong, method, url, "a session token", schemes.contains(Set.of("bearer")), call(method, url,
                "Authorization", "Bearer " + gateway.token(member, "a member's test passphrase")));
        expect(wrong, method, url, "an API key as Bearer", schemes.contains(Set.of("apiKey")), call(method, url,
                "Authorization", "Bearer " + apiKey));
        expect(wrong, method, url, "the worker secret", schemes.contains(Set.of("workerSecret")), call(method, url,
                "X-Worker-Secret", WORKER_SECRET));
        var login = gateway.login(member, "a member's test passphrase", AuthTestGateway.newAddress());
        var cookies = "DESAYRE_SESSION=" + AuthTestGateway.cookie(login, "DESAYRE_SESSION") + "; XSRF-TOKEN="
                + AuthTestGateway.cookie(login, "XSRF-TOKEN");
        expect(wrong, method, url, "a session cookie without X-XSRF-TOKEN", schemes.contains(Set.of("session")),
                call(method, url, "Cookie", cookies));
        expect(wrong, method, url, "a session cookie with X-XSRF-TOKEN", schemes.contains(Set.of("session"))
                || schemes.contains(Set.of("session", "xsrf")), call(method, url, "Cookie", cookies, "X-XSRF-TOKEN",
                AuthTestGateway.cookie(login, "XSRF-TOKEN")));
    }

    private static void expect(List<String> wrong, String method, String url, String credential, boolean letIn, int status) {
        var wasLetIn = status != 401 && status != 403;
        if (wasLetIn != letIn) {
            wrong.add(method + " " + url + " with " + credential + ": " + status + ", but the document says it "
                    + (letIn ? "may" : "may not") + " call it");
        }
    }

    /** The status of one request without a body (an event stream is closed once its status is known). */
    private static int call(String method, String url, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(gateway.base + url)).timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        var response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        response.body().close();
        return response.statusCode();
    }

    private static Set<String> examples(JsonNode response) {
        var types = new TreeSet<String>();
        response.at("/content/application~1problem+json/examples").propertyNames().forEach(types::add);
        return types;
    }

    private static Set<String> properties(String method, String path, String type) {
        var names = new TreeSet<String>();
        schema(method, path, type).get("properties").propertyNames().forEach(names::add);
        return names;
    }

    private static JsonNode schema(String method, String path, String type) {
        var content = api.get("paths").get(path).get(method.toLowerCase()).get("requestBody").get("content");
        assertThat(content.has(type)).as("%s %s documents %s: %s", method, path, type, content).isTrue();
        var ref = content.get(type).get("schema").get("$ref").asString();
        return api.at("/components/schemas/" + ref.substring(ref.lastIndexOf('/') + 1));
    }
}
