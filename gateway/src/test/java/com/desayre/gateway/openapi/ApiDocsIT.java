package com.desayre.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.gateway.AuthTestGateway;
import com.desayre.gateway.generation.GenerationController;
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
 */
class ApiDocsIT {
    private static AuthTestGateway gateway;
    private static JsonNode api;

    @BeforeAll
    static void start() {
        gateway = new AuthTestGateway(Map.of("desayre.auth.admin-password", "the api docs admin's passphrase"));
        var response = gateway.call("GET", "/v3/api-docs", null);
        assertThat(response.statusCode()).as("the document needs no sign-in").isEqualTo(200);
        api = AuthTestGateway.json(response);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void everyRouteIsDocumented() {
        var paths = new TreeSet<String>();
        api.get("paths").propertyNames().forEach(paths::add);
        assertThat(paths).contains("/api/generate/image", "/api/generate/edit", "/api/generate/video", "/api/jobs/{jobId}",
                "/api/jobs/{jobId}/cancel", "/api/jobs/{jobId}/retry", "/api/jobs/{jobId}/events", "/api/events", "/api/history",
                "/api/history/{jobId}", "/api/auth/login", "/api/auth/me", "/api/keys", "/api/admin/users", "/api/prompts/preview",
                "/api/limits", "/api/admin/users/{username}/quota", "/api/worker", "/api/admin/queues",
                "/api/admin/queues/dlq/{topic}", "/api/admin/stats");
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
