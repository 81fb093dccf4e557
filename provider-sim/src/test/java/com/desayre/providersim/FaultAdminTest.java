package com.desayre.providersim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code /sim/faults}: a person switches faults on and off over real HTTP, and the next provider calls obey. */
class FaultAdminTest {
    private static final String KEY = "admin-test-key";

    private final SimClient client = new SimClient();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ProviderSimulator> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(ProviderSimulator::close);
    }

    private ProviderSimulator start(SimulatorSettings settings) {
        ProviderSimulator sim = ProviderSimulator.start(settings);
        started.add(sim);
        return sim;
    }

    record Reply(int status, String contentType, JsonNode body, HttpResponse<String> raw) {
    }

    /** What a person types: curl -X METHOD url -d body. */
    private Reply call(String method, String url, String body) {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            var text = response.body();
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    text.isEmpty() ? null : SimClient.JSON.readTree(text), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private SimClient.JsonReply textToImage(ProviderSimulator sim, String model) {
        Map<String, Object> body = new HashMap<>();
        body.put("key", KEY);
        body.put("model_id", model);
        body.put("prompt", "a lighthouse at dusk");
        body.put("width", 64);
        body.put("height", 64);
        return client.post(sim.baseUrl() + "/api/v7/images/text-to-image", body);
    }

    @Test
    void aFaultSetThroughTheEndpointHitsTheNextCallsUntilItIsCleared() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());
        assertThat(sim.faultsUrl()).isEqualTo(sim.baseUrl() + "/sim/faults");
        assertThat(textToImage(sim, "nano-banana-pro").bodyStatus()).isEqualTo("success");

        Reply set = call("POST", sim.faultsUrl(), "{\"faults\": \"fail=503\", \"endpoints\": [\"text-to-image\"]}");
        assertThat(set.status()).isEqualTo(201);
        assertThat(set.raw().headers().firstValue("Location")).hasValue("/sim/faults/" + set.body().path("id").asString());
        assertThat(set.body().path("faults").asString()).isEqualTo("fail=503");

        for (int i = 0; i < 2; i++) {
            SimClient.JsonReply down = textToImage(sim, "nano-banana-pro");
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.bodyStatus()).isEqualTo("error");
            assertThat(down.body().path("message").asString()).isEqualTo("Service temporarily unavailable. Please try again later.");
        }
        JsonNode listed = call("GET", sim.faultsUrl(), null).body().path("rules");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("endpoints").get(0).asString()).isEqualTo("text-to-image");
        assertThat(listed.get(0).path("hits").asInt()).isEqualTo(2);
        assertThat(listed.get(0).path("remaining").isNull()).isTrue();

        assertThat(call("DELETE", sim.faultsUrl(), null).status()).isEqualTo(204);

        assertThat(textToImage(sim, "nano-banana-pro").bodyStatus()).isEqualTo("success");
        assertThat(call("GET", sim.faultsUrl(), null).body().path("rules")).isEmpty();
        assertThat(sim.submissions()).isEqualTo(2);
        assertThat(sim.submitRequests()).isEqualTo(4);
    }

    @Test
    void timesSpendsARuleAndModelNarrowsIt() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());

        Reply put = call("PUT", sim.faultsUrl(), """
                {"rules": [{"faults": "fail=429 retry-after=7", "model": "nano-banana-pro", "times": 1}]}""");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.body().path("rules").get(0).path("remaining").asInt()).isEqualTo(1);

        assertThat(textToImage(sim, "another-model").bodyStatus()).isEqualTo("success");
        SimClient.JsonReply full = textToImage(sim, "nano-banana-pro");
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.body().path("retry_after").asInt()).isEqualTo(7);
        assertThat(textToImage(sim, "nano-banana-pro").bodyStatus()).isEqualTo("success");
        assertThat(call("GET", sim.faultsUrl(), null).body().path("rules")).isEmpty();
    }

    @Test
    void pollRulesHitJobsSubmittedBeforeThemAndDeleteByIdEndsThem() {
        ProviderSimulator sim = start(SimulatorSettings.defaults().withMode(SimulatorSettings.Mode.ASYNC));
        JsonNode job = textToImage(sim, "nano-banana-pro").body();
        assertThat(job.path("status").asString()).isEqualTo("processing");
        String fetch = job.path("fetch_result").asString();

        String id = call("POST", sim.faultsUrl(), "{\"faults\": \"fail=500\", \"endpoint\": \"image-fetch\"}").body().path("id").asString();
        assertThat(client.post(fetch, Map.of("key", KEY)).status()).isEqualTo(500);
        assertThat(textToImage(sim, "nano-banana-pro").bodyStatus()).isEqualTo("processing"); // submits untouched

        assertThat(call("DELETE", sim.faultsUrl() + "/" + id, null).status()).isEqualTo(204);
        assertThat(client.post(fetch, Map.of("key", KEY)).bodyStatus()).isEqualTo("success");
        assertThat(call("DELETE", sim.faultsUrl() + "/" + id, null).status()).isEqualTo(404);
    }

    @Test
    void xaiVideosObeyRulesOnSubmitAndPoll() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());
        String submit = sim.baseUrl() + "/v1/videos/generations";
        String video = """
                {"model": "grok-imagine-video", "prompt": "clouds drifting", "duration": 1}""";
        String requestId = xai(sim, "POST", submit, video).body().path("request_id").asString();

        call("PUT", sim.faultsUrl(), "{\"faults\": \"failed\", \"endpoints\": \"video-poll\", \"model\": \"grok-imagine-video\"}");
        JsonNode failed = xai(sim, "GET", sim.baseUrl() + "/v1/videos/" + requestId, null).body();
        assertThat(failed.path("status").asString()).isEqualTo("failed");
        assertThat(failed.path("error").path("code").asString()).isEqualTo("internal_error");

        call("PUT", sim.faultsUrl(), "{\"faults\": \"fail=503\", \"endpoints\": \"xai\", \"times\": 1}");
        assertThat(xai(sim, "POST", submit, video).status()).isEqualTo(503);
        assertThat(xai(sim, "GET", sim.baseUrl() + "/v1/videos/" + requestId, null).body().path("status").asString())
                .isEqualTo("done");
    }

    private Reply xai(ProviderSimulator sim, String method, String url, String body) {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), "", SimClient.JSON.readTree(response.body()), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void startupFaultsAreARuleAPersonCanClear() {
        ProviderSimulator sim = start(SimulatorSettings.defaults().withFaults("fail=503"));

        JsonNode rule = call("GET", sim.faultsUrl() + "/startup", null).body();
        assertThat(rule.path("faults").asString()).isEqualTo("fail=503");
        assertThat(rule.path("endpoints")).hasSize(FaultRules.Endpoint.values().length);
        assertThat(textToImage(sim, "nano-banana-pro").status()).isEqualTo(503);

        assertThat(call("DELETE", sim.faultsUrl() + "/startup", null).status()).isEqualTo(204);
        assertThat(textToImage(sim, "nano-banana-pro").bodyStatus()).isEqualTo("success");
    }

    @Test
    void badInputIsAProblemAndChangesNothing() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());
        call("POST", sim.faultsUrl(), "{\"faults\": \"nsfw\"}");

        Reply notJson = call("POST", sim.faultsUrl(), "fail=503");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.contentType()).isEqualTo("application/problem+json");
        assertThat(notJson.body().path("type").asString()).isEqualTo("/problems/malformed-json");

        Reply bad = call("POST", sim.faultsUrl(), """
                {"faults": "explode", "endpoints": ["nowhere"], "times": 0, "colour": "red"}""");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).isEqualTo("application/problem+json");
        assertThat(bad.body().path("type").asString()).isEqualTo("/problems/invalid-fault-rule");
        assertThat(bad.body().path("status").asInt()).isEqualTo(400);
        assertThat(bad.body().path("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("colour", "faults", "endpoints", "times");
        assertThat(bad.body().path("errors").toString()).contains("Unknown simulator directive [sim:explode]");

        Reply half = call("PUT", sim.faultsUrl(), """
                {"rules": [{"faults": "fail=503"}, {"faults": "fail=99"}]}""");
        assertThat(half.status()).isEqualTo(400);
        assertThat(half.body().path("errors").get(0).path("field").asString()).isEqualTo("rules[1].faults");
        assertThat(half.body().path("detail").asString()).contains("400..599");
        JsonNode still = call("GET", sim.faultsUrl(), null).body().path("rules");
        assertThat(still).hasSize(1);
        assertThat(still.get(0).path("faults").asString()).isEqualTo("nsfw");

        Reply missing = call("GET", sim.faultsUrl() + "/999", null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().path("type").asString()).isEqualTo("/problems/not-found");
        Reply patch = call("PATCH", sim.faultsUrl(), "{}");
        assertThat(patch.status()).isEqualTo(405);
        assertThat(patch.contentType()).isEqualTo("application/problem+json");
        assertThat(patch.raw().headers().firstValue("Allow").orElse("")).contains("GET", "PUT", "DELETE");
    }
}
