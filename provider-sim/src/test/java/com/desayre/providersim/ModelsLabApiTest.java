package com.desayre.providersim;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ModelsLabApiTest {
    private static final String KEY = "test-key-do-not-leak";

    private final SimClient client = new SimClient();
    private final List<ProviderSimulator> started = new ArrayList<>();

    @AfterEach
    void stopSimulators() {
        started.forEach(ProviderSimulator::close);
    }

    private ProviderSimulator start(SimulatorSettings settings) {
        ProviderSimulator sim = ProviderSimulator.start(settings);
        started.add(sim);
        return sim;
    }

    private static String textToImage(ProviderSimulator sim) {
        return sim.baseUrl() + "/api/v7/images/text-to-image";
    }

    private static Map<String, Object> request(String prompt) {
        Map<String, Object> body = new HashMap<>();
        body.put("key", KEY);
        body.put("model_id", "nano-banana-pro");
        body.put("prompt", prompt);
        return body;
    }

    private static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        body.put(field, value);
        return body;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }

    /** Polls fetch_result (bounded by Awaitility) until the body leaves "processing". */
    private SimClient.JsonReply pollUntilDone(String fetchUrl) {
        var reply = new java.util.concurrent.atomic.AtomicReference<SimClient.JsonReply>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    reply.set(client.post(fetchUrl, Map.of("key", KEY)));
                    return !"processing".equals(reply.get().bodyStatus());
                });
        return reply.get();
    }

    @Test
    void eachJobsSubmissionsAreCountedByItsTrackId() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());

        client.post(textToImage(sim), with(request("a kite"), "track_id", "job-a"));
        client.post(textToImage(sim), with(request("a kite"), "track_id", "job-b"));
        client.post(textToImage(sim), with(request("a kite, sent again"), "track_id", "job-b"));
        // refused submits created no job: nothing billed, nothing counted
        client.post(textToImage(sim), with(request("[sim:fail=503] a kite"), "track_id", "job-c"));
        client.post(textToImage(sim), request("no track id"));

        assertThat(sim.submissionsOf("job-a")).isEqualTo(1);
        assertThat(sim.submissionsOf("job-b")).isEqualTo(2);
        assertThat(sim.submissionsOf("job-c")).isZero();
        assertThat(sim.submissions()).isEqualTo(4);
    }

    @Test
    void syncSubmitAnswersSuccessWithADownloadablePng() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());

        SimClient.JsonReply reply = client.post(textToImage(sim),
                with(with(request("a lighthouse on a cliff at sunset"), "aspect_ratio", "16:9"), "track_id", "job-1"));

        assertThat(reply.status()).isEqualTo(200);
        JsonNode body = reply.body();
        assertThat(body.path("status").asString()).isEqualTo("success");
        assertThat(body.path("id").isNumber()).isTrue();
        assertThat(body.path("generationTime").isNumber()).isTrue();
        assertThat(body.path("nsfw_content_detected").asBoolean()).isFalse();
        List<String> output = texts(body.path("output"));
        assertThat(output).hasSize(1);
        assertThat(output.get(0)).isEqualTo(sim.baseUrl() + "/outputs/" + body.path("id").asLong() + "-0.png");
        assertThat(texts(body.path("proxy_links"))).isEqualTo(output);
        JsonNode meta = body.path("meta");
        assertThat(meta.path("prompt").asString()).isEqualTo("a lighthouse on a cliff at sunset");
        assertThat(meta.path("model_id").asString()).isEqualTo("nano-banana-pro");
        assertThat(meta.path("aspect_ratio").asString()).isEqualTo("16:9");
        assertThat(meta.path("width").asInt()).isEqualTo(1376);
        assertThat(meta.path("height").asInt()).isEqualTo(768);
        assertThat(meta.path("seed").isNumber()).isTrue();
        assertThat(meta.path("track_id").asString()).isEqualTo("job-1");
        assertThat(body.toString()).doesNotContain(KEY);

        HttpResponse<byte[]> png = client.get(output.get(0));
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
        BufferedImage image = SimClient.decode(png.body());
        assertThat(image.getWidth()).isEqualTo(1376);
        assertThat(image.getHeight()).isEqualTo(768);
        assertThat(sim.downloads()).isEqualTo(1);
    }

    @Test
    void defaultSizeIsSquareAndEveryAspectRatioHasItsSize() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());

        JsonNode square = client.post(textToImage(sim), request("a red cube")).body();
        assertThat(square.path("meta").path("aspect_ratio").asString()).isEqualTo("1:1");
        BufferedImage image = SimClient.decode(client.download(square.path("output").get(0).asString()));
        assertThat(image.getWidth()).isEqualTo(1024);
        assertThat(image.getHeight()).isEqualTo(1024);

        JsonNode portrait = client.post(textToImage(sim), with(request("a tall tower"), "aspect_ratio", "9:16")).body();
        assertThat(portrait.path("meta").path("width").asInt()).isEqualTo(768);
        assertThat(portrait.path("meta").path("height").asInt()).isEqualTo(1376);
    }

    @Test
    void asyncSubmitAnswersProcessingThenSuccessAfterTheLatency() {
        ProviderSimulator sim = start(SimulatorSettings.defaults()
                .withMode(SimulatorSettings.Mode.ASYNC).withLatency(Duration.ofMillis(300)));

        SimClient.JsonReply submitted = client.post(textToImage(sim), with(request("a fox in the snow"), "samples", 2));

        assertThat(submitted.status()).isEqualTo(200);
        JsonNode body = submitted.body();
        long id = body.path("id").asLong();
        assertThat(body.path("status").asString()).isEqualTo("processing");
        assertThat(body.path("fetch_result").asString()).isEqualTo(sim.baseUrl() + "/api/v7/images/fetch/" + id);
        assertThat(body.path("eta").asDouble()).isGreaterThan(0).isLessThanOrEqualTo(0.3);
        assertThat(body.path("output").isArray()).isTrue();
        assertThat(body.path("output").size()).isZero();
        assertThat(body.path("tip").asString()).isNotBlank();
        assertThat(body.path("message").asString()).isNotBlank();
        assertThat(body.path("webhook_status").asString()).isEmpty();
        List<String> futureLinks = texts(body.path("future_links"));
        assertThat(futureLinks).hasSize(2);

        SimClient.JsonReply done = pollUntilDone(body.path("fetch_result").asString());

        assertThat(done.bodyStatus()).isEqualTo("success");
        assertThat(done.body().path("id").asLong()).isEqualTo(id);
        assertThat(texts(done.body().path("output"))).isEqualTo(futureLinks);
        byte[] first = client.download(futureLinks.get(0));
        byte[] second = client.download(futureLinks.get(1));
        assertThat(SimClient.decode(first).getWidth()).isEqualTo(1024);
        assertThat(first).isNotEqualTo(second);
        assertThat(sim.fetches()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void futureLinksAre404UntilTheJobIsReady() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());

        JsonNode body = client.post(textToImage(sim), request("[sim:async] [sim:latency=600000] a slow castle")).body();

        assertThat(body.path("status").asString()).isEqualTo("processing");
        assertThat(body.path("eta").asDouble()).isGreaterThan(590);
        String link = body.path("future_links").get(0).asString();
        assertThat(client.get(link).statusCode()).isEqualTo(404);
        JsonNode polled = client.post(body.path("fetch_result").asString(), Map.of("key", KEY)).body();
        assertThat(polled.path("status").asString()).isEqualTo("processing");
        assertThat(polled.path("eta").asDouble()).isGreaterThan(0).isLessThanOrEqualTo(600);
        assertThat(texts(polled.path("future_links"))).containsExactly(link);
        assertThat(sim.downloads()).isZero();
    }

    @Test
    void fetchAcceptsTheRequestIdInTheBody() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());
        JsonNode submitted = client.post(textToImage(sim), request("a boat")).body();
        String id = submitted.path("id").asString();

        SimClient.JsonReply byBody = client.post(sim.baseUrl() + "/api/v7/images/fetch",
                Map.of("key", KEY, "request_id", id));
        SimClient.JsonReply byNumber = client.post(sim.baseUrl() + "/api/v7/images/fetch",
                Map.of("key", KEY, "request_id", Long.parseLong(id)));

        assertThat(byBody.bodyStatus()).isEqualTo("success");
        assertThat(byBody.body().path("output")).isEqualTo(submitted.path("output"));
        assertThat(byNumber.bodyStatus()).isEqualTo("success");
        assertThat(sim.fetches()).isEqualTo(2);
    }

    @Test
    void widthAndHeightAreHonouredEvenAsStringsAndClamped() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());

        JsonNode body = client.post(textToImage(sim),
                with(with(request("a small meadow"), "width", "640"), "height", 360)).body();
        assertThat(body.path("status").asString()).isEqualTo("success");
        assertThat(body.path("meta").path("width").asInt()).isEqualTo(640);
        assertThat(body.path("meta").path("height").asInt()).isEqualTo(360);
        BufferedImage image = SimClient.decode(client.download(body.path("output").get(0).asString()));
        assertThat(image.getWidth()).isEqualTo(640);
        assertThat(image.getHeight()).isEqualTo(360);

        JsonNode clamped = client.post(textToImage(sim),
                with(with(request("a thin strip"), "width", 10), "height", "5000")).body();
        assertThat(clamped.path("meta").path("width").asInt()).isEqualTo(64);
        assertThat(clamped.path("meta").path("height").asInt()).isEqualTo(2048);
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedDoesNot() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());
        Map<String, Object> seeded = with(with(request("a desert canyon"), "seed", 1234), "aspect_ratio", "4:3");

        String a = client.post(textToImage(sim), seeded).body().path("output").get(0).asString();
        String b = client.post(textToImage(sim), new HashMap<>(seeded)).body().path("output").get(0).asString();
        JsonNode other = client.post(textToImage(sim), with(new HashMap<>(seeded), "seed", "1235")).body();

        assertThat(a).isNotEqualTo(b);
        assertThat(client.download(a)).isEqualTo(client.download(b));
        assertThat(other.path("meta").path("seed").asLong()).isEqualTo(1235);
        assertThat(client.download(other.path("output").get(0).asString())).isNotEqualTo(client.download(a));
    }

    @Test
    void fixedImagesAreOnePlainPngPerSizeWhateverThePrompt() {
        ProviderSimulator sim = start(SimulatorSettings.defaults().withFixedImages(true));

        byte[] lighthouse = client.download(client.post(textToImage(sim), request("a lighthouse at dusk"))
                .body().path("output").get(0).asString());
        byte[] canyon = client.download(client.post(textToImage(sim), with(request("a desert canyon"), "seed", 7))
                .body().path("output").get(0).asString());
        byte[] wide = client.download(client.post(textToImage(sim), with(request("a lighthouse at dusk"), "aspect_ratio", "16:9"))
                .body().path("output").get(0).asString());

        // the same bytes for any prompt or seed, yet the size the job asked for, and a few KB (the bench's near-zero provider)
        assertThat(canyon).isEqualTo(lighthouse);
        assertThat(lighthouse.length).isLessThan(16 * 1024);
        BufferedImage square = SimClient.decode(lighthouse);
        assertThat(square.getWidth()).isEqualTo(1024);
        assertThat(square.getHeight()).isEqualTo(1024);
        BufferedImage landscape = SimClient.decode(wide);
        assertThat(landscape.getWidth()).isEqualTo(1376);
        assertThat(landscape.getHeight()).isEqualTo(768);
        // off by default: the prompt's own landscape, many times larger
        ProviderSimulator drawing = start(SimulatorSettings.defaults());
        byte[] drawn = client.download(client.post(textToImage(drawing), request("a lighthouse at dusk"))
                .body().path("output").get(0).asString());
        assertThat(drawn.length).isGreaterThan(4 * lighthouse.length);
    }

    @Test
    void theServerSendsWithoutNaglesDelay() {
        start(SimulatorSettings.defaults());
        // without it every response waits ~40 ms for the client's delayed ACK (bench: 92 ms per image, 12 ms with it)
        assertThat(System.getProperty(ProviderSimulator.NO_DELAY)).isEqualTo("true");
    }

    @Test
    void withoutASeedTheSimulatorPicksOneAndReportsIt() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());
        JsonNode first = client.post(textToImage(sim), request("clouds")).body();
        JsonNode meta = first.path("meta");
        assertThat(meta.path("seed").isNumber()).isTrue();

        // replaying with the reported seed reproduces the image
        JsonNode replay = client.post(textToImage(sim),
                with(with(request("clouds"), "seed", meta.path("seed").asLong()), "aspect_ratio", "1:1")).body();
        assertThat(client.download(replay.path("output").get(0).asString()))
                .isEqualTo(client.download(first.path("output").get(0).asString()));
    }

    @Test
    void aMissingOrBlankKeyIs401() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());
        Map<String, Object> noKey = request("a cat");
        noKey.remove("key");

        SimClient.JsonReply missing = client.post(textToImage(sim), noKey);
        SimClient.JsonReply blank = client.post(textToImage(sim), with(request("a cat"), "key", " "));
        SimClient.JsonReply fetch = client.post(sim.baseUrl() + "/api/v7/images/fetch/123", Map.of());

        for (SimClient.JsonReply reply : List.of(missing, blank, fetch)) {
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.bodyStatus()).isEqualTo("error");
            assertThat(reply.body().path("message").asString()).isEqualTo("Invalid API key");
        }
        assertThat(sim.submissions()).isZero();
        assertThat(sim.fetches()).isZero();
    }

    @Test
    void aMissingPromptIsAnErrorWithHttp200() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());
        Map<String, Object> body = request(null);
        body.remove("prompt");

        SimClient.JsonReply reply = client.post(textToImage(sim), body);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.bodyStatus()).isEqualTo("error");
        assertThat(reply.body().path("message").asString()).isEqualTo("prompt is required");
        assertThat(sim.submissions()).isZero();
    }

    @Test
    void badParametersAreErrorsWithHttp200() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());

        SimClient.JsonReply ratio = client.post(textToImage(sim), with(request("x"), "aspect_ratio", "7:3"));
        SimClient.JsonReply samples = client.post(textToImage(sim), with(request("x"), "samples", "5"));
        SimClient.JsonReply width = client.post(textToImage(sim),
                with(with(request("x"), "width", "wide"), "height", 100));

        assertThat(ratio.status()).isEqualTo(200);
        assertThat(ratio.bodyStatus()).isEqualTo("error");
        assertThat(ratio.body().path("message").asString()).startsWith("Invalid aspect_ratio 7:3");
        assertThat(samples.bodyStatus()).isEqualTo("error");
        assertThat(samples.body().path("message").asString()).contains("samples");
        assertThat(width.bodyStatus()).isEqualTo("error");
        assertThat(width.body().path("message").asString()).contains("width");
        assertThat(sim.submissions()).isZero();
    }

    @Test
    void anUnknownFetchIdIsNotFound() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());

        SimClient.JsonReply byPath = client.post(sim.baseUrl() + "/api/v7/images/fetch/42", Map.of("key", KEY));
        SimClient.JsonReply byBody = client.post(sim.baseUrl() + "/api/v7/images/fetch",
                Map.of("key", KEY, "request_id", "not-a-number"));

        for (SimClient.JsonReply reply : List.of(byPath, byBody)) {
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.bodyStatus()).isEqualTo("error");
            assertThat(reply.body().path("message").asString()).isEqualTo("Request not found");
        }
        assertThat(sim.fetches()).isEqualTo(2);
    }

    @Test
    void countersCountAcceptedSubmitsAndFetches() {
        ProviderSimulator sim = start(SimulatorSettings.defaults().withMode(SimulatorSettings.Mode.ASYNC));

        JsonNode a = client.post(textToImage(sim), request("one")).body();
        client.post(textToImage(sim), request("two"));
        client.post(textToImage(sim), with(request("bad"), "aspect_ratio", "nope"));
        client.post(a.path("fetch_result").asString(), Map.of("key", KEY));

        assertThat(sim.submissions()).isEqualTo(2);
        assertThat(sim.fetches()).isEqualTo(1);
    }

    @Test
    void submissionsAreCountedPerTrackIdOverHttp() {
        ProviderSimulator sim = start(SimulatorSettings.defaults().withMode(SimulatorSettings.Mode.ASYNC));

        client.post(textToImage(sim), with(request("one"), "track_id", "job-1"));
        client.post(textToImage(sim), with(request("one again"), "track_id", "job-1"));
        client.post(textToImage(sim), with(request("two"), "track_id", "job-2"));
        client.post(textToImage(sim), with(with(request("refused"), "track_id", "job-3"), "aspect_ratio", "nope"));

        assertThat(sim.submissionsOf("job-1")).isEqualTo(2);
        var one = SimClient.JSON.readTree(client.get(sim.baseUrl() + "/sim/submissions/job-2").body());
        assertThat(one.path("submissions").asLong()).isEqualTo(1);
        var refused = SimClient.JSON.readTree(client.get(sim.baseUrl() + "/sim/submissions/job-3").body());
        assertThat(refused.path("submissions").asLong()).isZero();
        var all = SimClient.JSON.readTree(client.get(sim.baseUrl() + "/sim/submissions").body());
        assertThat(all.path("submissions").asLong()).isEqualTo(3);
        assertThat(all.path("submitRequests").asLong()).isEqualTo(4);
    }

    @Test
    void promptDirectivesScriptOneRequest() {
        ProviderSimulator syncSim = start(SimulatorSettings.defaults());
        ProviderSimulator asyncSim = start(SimulatorSettings.defaults().withMode(SimulatorSettings.Mode.ASYNC)
                .withLatency(Duration.ofMinutes(10)));

        JsonNode forcedAsync = client.post(textToImage(syncSim), request("[sim:async] a quiet harbour")).body();
        assertThat(forcedAsync.path("status").asString()).isEqualTo("processing");
        assertThat(forcedAsync.path("meta").path("prompt").asString()).isEqualTo("a quiet harbour");

        JsonNode forcedSync = client.post(textToImage(asyncSim), request("a busy [SIM:Sync] market [sim:latency=0]"))
                .body();
        assertThat(forcedSync.path("status").asString()).isEqualTo("success");
        assertThat(forcedSync.path("meta").path("prompt").asString()).isEqualTo("a busy market");

        long t0 = System.nanoTime();
        JsonNode slow = client.post(textToImage(syncSim), request("[sim:latency=300] a slow river")).body();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(slow.path("status").asString()).isEqualTo("success");
        assertThat(slow.path("generationTime").asDouble()).isEqualTo(0.3);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(client.get(slow.path("output").get(0).asString()).statusCode()).isEqualTo(200);
    }

    @Test
    void anUnknownDirectiveIsRejectedLoudly() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());

        SimClient.JsonReply reply = client.post(textToImage(sim), request("a cat [sim:explode]"));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.bodyStatus()).isEqualTo("error");
        assertThat(reply.body().path("message").asString()).contains("[sim:explode]");
        assertThat(sim.submissions()).isZero();
    }

    @Test
    void aPublicBaseUrlIsWrittenIntoOutputAndFetchUrls() {
        ProviderSimulator sim = start(SimulatorSettings.defaults().withPublicBaseUrl("http://provider-sim:8090/"));

        JsonNode done = client.post(textToImage(sim), request("a bridge")).body();
        JsonNode pending = client.post(textToImage(sim), request("[sim:async][sim:latency=60000] a bridge")).body();

        assertThat(done.path("output").get(0).asString()).startsWith("http://provider-sim:8090/outputs/");
        assertThat(pending.path("fetch_result").asString())
                .isEqualTo("http://provider-sim:8090/api/v7/images/fetch/" + pending.path("id").asLong());
        assertThat(sim.publicBaseUrl()).isEqualTo("http://provider-sim:8090");
        assertThat(sim.baseUrl()).startsWith("http://127.0.0.1:");
    }

    @Test
    void transportLevelMistakesGetClearAnswers() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());

        SimClient.JsonReply malformed = client.postRaw(textToImage(sim), "{not json");
        SimClient.JsonReply unknownPath = client.post(sim.baseUrl() + "/api/v7/images/nope", Map.of("key", KEY));
        HttpResponse<byte[]> wrongMethod = client.get(textToImage(sim));
        HttpResponse<byte[]> unknownOutput = client.get(sim.baseUrl() + "/outputs/1-0.png");

        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.bodyStatus()).isEqualTo("error");
        assertThat(unknownPath.status()).isEqualTo(404);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(unknownOutput.statusCode()).isEqualTo(404);
    }

    @Test
    void startsOnAFreePortAndStopsCleanly() {
        ProviderSimulator sim = start(SimulatorSettings.defaults());
        assertThat(sim.port()).isPositive();
        assertThat(sim.baseUrl()).isEqualTo("http://127.0.0.1:" + sim.port());
        sim.close();
        sim.close(); // idempotent
    }
}
