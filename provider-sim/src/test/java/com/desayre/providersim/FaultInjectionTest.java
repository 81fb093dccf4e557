package com.desayre.providersim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
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

/** The faults a test or a person can script, over real HTTP. */
class FaultInjectionTest {
    private static final String KEY = "fault-key-must-not-leak";

    private final SimClient client = new SimClient();
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

    private static Map<String, Object> request(String prompt) {
        Map<String, Object> body = new HashMap<>();
        body.put("key", KEY);
        body.put("model_id", "nano-banana-pro");
        body.put("prompt", prompt);
        return body;
    }

    private static String submitUrl(ProviderSimulator sim) {
        return sim.baseUrl() + "/api/v7/images/text-to-image";
    }

    @Test
    void directivesAreParsedAndValidated() {
        Faults f = Directives.parse("a cat [sim:fail=429][sim:retry-after=2][sim:times=3][sim:chance=50][sim:slow=10]").faults();
        assertThat(f.fail()).isEqualTo(429);
        assertThat(f.retryAfterSeconds()).isEqualTo(2);
        assertThat(f.times()).isEqualTo(3);
        assertThat(f.chance()).isEqualTo(50);
        assertThat(f.slow()).isEqualTo(Duration.ofMillis(10));
        assertThat(Directives.parse("[sim:never][sim:nsfw][sim:expire][sim:reset][sim:malformed][sim:http200error]")
                .faults().values()).containsOnlyKeys("never", "nsfw", "expire", "reset", "malformed", "http200error");
        assertThatThrownBy(() -> Directives.parse("[sim:fail=200]")).isInstanceOf(Directives.InvalidDirectiveException.class);
        assertThatThrownBy(() -> Directives.parse("[sim:reset=1]")).isInstanceOf(Directives.InvalidDirectiveException.class);
        assertThatThrownBy(() -> Directives.parse("[sim:chance=101]")).isInstanceOf(Directives.InvalidDirectiveException.class);
        assertThat(Faults.parseList("fail=503, times=2").fail()).isEqualTo(503);
        assertThatThrownBy(() -> SimulatorSettings.defaults().withFaults("explode")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void failAnswersTheCodeWithModelsLabsBodyAndCreatesNoJob() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());

        SimClient.JsonReply full = client.post(submitUrl(sim), request("x [sim:fail=429][sim:retry-after=2]"));
        SimClient.JsonReply down = client.post(submitUrl(sim), request("x [sim:fail=503]"));
        SimClient.JsonReply key = client.post(submitUrl(sim), request("x [sim:fail=401][sim:http200error][sim:echo-key]"));

        assertThat(full.status()).isEqualTo(429);
        assertThat(full.body().path("retry_after").asInt()).isEqualTo(2);
        assertThat(full.body().path("message").asString()).startsWith("Rate limit exceeded");
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.body().path("message").asString()).contains("temporarily unavailable");
        assertThat(key.status()).isEqualTo(200);
        assertThat(key.bodyStatus()).isEqualTo("error");
        assertThat(key.body().path("message").asString()).startsWith("Invalid API key").contains(KEY);
        assertThat(sim.submissions()).isZero();
        assertThat(sim.submitRequests()).isEqualTo(3);
    }

    @Test
    void timesLimitsAFaultToTheFirstRequestsOfAJob() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());
        Map<String, Object> body = request("a flaky lake [sim:fail=500][sim:times=2]");
        body.put("track_id", "job-42");

        assertThat(client.post(submitUrl(sim), body).status()).isEqualTo(500);
        assertThat(client.post(submitUrl(sim), body).status()).isEqualTo(500);
        SimClient.JsonReply third = client.post(submitUrl(sim), body);

        assertThat(third.bodyStatus()).isEqualTo("success");
        assertThat(sim.submissions()).isEqualTo(1);
        assertThat(sim.submitRequests()).isEqualTo(3);
    }

    @Test
    void resetDropsTheConnectionAndMalformedSendsBrokenJson() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest reset = HttpRequest.newBuilder(URI.create(submitUrl(sim))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SimClient.JSON.writeValueAsString(request("x [sim:reset]")))).build();

        assertThatThrownBy(() -> http.send(reset, HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> client.post(submitUrl(sim), request("x [sim:malformed]")))
                .isInstanceOf(RuntimeException.class);
        assertThat(sim.submissions()).isZero();
    }

    @Test
    void slowCreatesTheJobButAnswersLate() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());
        HttpClient http = HttpClient.newHttpClient();
        // the client gives up long before the answer, but not before a loaded machine let the simulator read the request
        HttpRequest slow = HttpRequest.newBuilder(URI.create(submitUrl(sim))).timeout(Duration.ofSeconds(3))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SimClient.JSON.writeValueAsString(request("x [sim:slow=60000]")))).build();

        assertThatThrownBy(() -> http.send(slow, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.submissions() == 1);
    }

    @Test
    void neverStaysProcessingAndPollFailAnswersErrorsWhileTheJobRuns() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());

        JsonNode never = client.post(submitUrl(sim), request("[sim:async][sim:latency=0][sim:never] x")).body();
        JsonNode flaky = client.post(submitUrl(sim), request("[sim:async][sim:latency=0][sim:poll-fail=503][sim:times=1] y")).body();

        for (int i = 0; i < 3; i++) {
            assertThat(client.post(never.path("fetch_result").asString(), Map.of("key", KEY)).bodyStatus()).isEqualTo("processing");
        }
        assertThat(client.post(flaky.path("fetch_result").asString(), Map.of("key", KEY)).status()).isEqualTo(503);
        assertThat(client.post(flaky.path("fetch_result").asString(), Map.of("key", KEY)).bodyStatus()).isEqualTo("success");
    }

    @Test
    void nsfwAndExpireShapeTheResult() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());

        JsonNode nsfw = client.post(submitUrl(sim), request("x [sim:nsfw]")).body();
        JsonNode expired = client.post(submitUrl(sim), request("y [sim:expire]")).body();

        assertThat(nsfw.path("nsfw_content_detected").asBoolean()).isTrue();
        assertThat(expired.path("status").asString()).isEqualTo("success");
        assertThat(client.get(expired.path("output").get(0).asString()).statusCode()).isEqualTo(404);
    }

    @Test
    void failedEndsAnImageJobWithModelsLabsFailedBody() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());

        JsonNode sync = client.post(submitUrl(sim), request("x [sim:failed]")).body();
        JsonNode async = client.post(submitUrl(sim), request("[sim:async][sim:latency=0][sim:failed] y")).body();
        JsonNode fetched = client.post(async.path("fetch_result").asString(), Map.of("key", KEY)).body();

        assertThat(sync.path("status").asString()).isEqualTo("failed");
        assertThat(sync.path("message").asString()).startsWith("Processing failed");
        assertThat(sync.path("id").isNumber()).isTrue();
        assertThat(async.path("status").asString()).isEqualTo("processing");
        assertThat(fetched.path("status").asString()).isEqualTo("failed");
        assertThat(fetched.path("id").asLong()).isEqualTo(async.path("id").asLong());
    }

    @Test
    void theAccountQueueAnswers429WhenFull() {
        ProviderSimulator sim = start(SimulatorSettings.defaults().withQueueLimit(2).withMode(SimulatorSettings.Mode.ASYNC)
                .withLatency(Duration.ofMinutes(10)));

        assertThat(client.post(submitUrl(sim), request("one")).bodyStatus()).isEqualTo("processing");
        assertThat(client.post(submitUrl(sim), request("two")).bodyStatus()).isEqualTo("processing");
        SimClient.JsonReply third = client.post(submitUrl(sim), request("three"));

        assertThat(third.status()).isEqualTo(429);
        assertThat(third.body().path("retry_after").asInt()).isEqualTo(30);
        assertThat(sim.queueFullAnswers()).isEqualTo(1);
        assertThat(sim.submissions()).isEqualTo(2);
    }

    @Test
    void defaultFaultsApplyToEveryRequestAndThePromptWins() {
        ProviderSimulator sim = start(SimulatorSettings.defaults().withFaults("fail=503"));

        assertThat(client.post(submitUrl(sim), request("x")).status()).isEqualTo(503);
        assertThat(client.post(submitUrl(sim), request("y [sim:fail=429]")).status()).isEqualTo(429);
    }
}
