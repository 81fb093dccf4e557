package com.desayre.bench;

import com.desayre.contracts.EventJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * What one image costs the provider simulator alone: a submit straight to its ModelsLab API and
 * the download of the output, which is when the simulator renders the PNG. Run when the pipeline
 * is idle, so it is the uncontended cost.
 */
final class SimProbe {

    /** The median milliseconds of {@code samples} submit + download round trips for a {@code side}² image. */
    static double medianImageMillis(String simBaseUrl, int side, int samples) throws Exception {
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var millis = new double[samples];
        for (int i = 0; i < samples; i++) {
            var body = EventJson.mapper().writeValueAsString(Map.of("key", "bench-probe",
                    "prompt", "probe " + i + ": a lighthouse at dusk", "width", side, "height", side, "seed", i));
            long start = System.nanoTime();
            var submit = http.send(HttpRequest.newBuilder(URI.create(simBaseUrl + "/api/v7/images/text-to-image"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            var output = EventJson.mapper().readTree(submit.body()).path("output").path(0).asString("");
            if (output.isEmpty()) {
                throw new IllegalStateException("the simulator gave no output: " + submit.body());
            }
            var png = http.send(HttpRequest.newBuilder(URI.create(output)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (png.statusCode() != 200) {
                throw new IllegalStateException("the simulator's output answered HTTP " + png.statusCode());
            }
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return millis[samples / 2];
    }

    private SimProbe() {
    }
}
