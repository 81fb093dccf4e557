package com.desayre.providersim;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Grok Imagine Edit on {@code /api/v7/images/image-to-image}: the source is fetched over HTTP. */
class ImageToImageTest {
    private static final String KEY = "edit-key";

    private final SimClient client = new SimClient();
    private ProviderSimulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private Map<String, Object> edit(String prompt, Object initImage) {
        Map<String, Object> body = new HashMap<>();
        body.put("key", KEY);
        body.put("model_id", "grok-imagine-image-i2i");
        body.put("prompt", prompt);
        if (initImage != null) {
            body.put("init_image", initImage);
        }
        return body;
    }

    @Test
    void anEditIsAPngOfTheSourcesSizeVisiblyDerivedFromIt() {
        sim = ProviderSimulator.start(SimulatorSettings.defaults());
        JsonNode original = client.post(sim.baseUrl() + "/api/v7/images/text-to-image",
                Map.of("key", KEY, "model_id", "nano-banana-pro", "prompt", "a green valley", "aspect_ratio", "16:9", "seed", 3)).body();
        String sourceUrl = original.path("output").get(0).asString();
        BufferedImage source = SimClient.decode(client.download(sourceUrl));

        JsonNode edited = client.post(sim.baseUrl() + "/api/v7/images/image-to-image",
                edit("make it a snowy winter night", List.of(sourceUrl))).body();

        assertThat(edited.path("status").asString()).isEqualTo("success");
        BufferedImage result = SimClient.decode(client.download(edited.path("output").get(0).asString()));
        assertThat(result.getWidth()).isEqualTo(source.getWidth());
        assertThat(result.getHeight()).isEqualTo(source.getHeight());
        // derived: close to the source pixel by pixel, but not the same picture
        long diff = 0;
        long differentPixels = 0;
        int samples = 0;
        for (int y = 0; y < source.getHeight() * 8 / 10; y += 16) {
            for (int x = 0; x < source.getWidth(); x += 16) {
                int a = source.getRGB(x, y);
                int b = result.getRGB(x, y);
                int d = Math.abs(((a >> 16) & 255) - ((b >> 16) & 255)) + Math.abs(((a >> 8) & 255) - ((b >> 8) & 255))
                        + Math.abs((a & 255) - (b & 255));
                diff += d;
                differentPixels += d > 6 ? 1 : 0;
                samples++;
            }
        }
        assertThat(diff / samples).as("mean difference per pixel").isBetween(8L, 200L);
        assertThat(differentPixels).isGreaterThan(samples / 2);
        assertThat(sim.submissions()).isEqualTo(2);
    }

    @Test
    void aStringInitImageAndAnAspectRatioWork() {
        sim = ProviderSimulator.start(SimulatorSettings.defaults());
        String sourceUrl = client.post(sim.baseUrl() + "/api/v7/images/text-to-image",
                Map.of("key", KEY, "model_id", "nano-banana-pro", "prompt", "a desert")).body().path("output").get(0).asString();
        Map<String, Object> body = edit("add a camel", sourceUrl);
        body.put("aspect_ratio", "9:16");

        JsonNode edited = client.post(sim.baseUrl() + "/api/v7/images/image-to-image", body).body();

        BufferedImage result = SimClient.decode(client.download(edited.path("output").get(0).asString()));
        assertThat(result.getWidth()).isEqualTo(768);
        assertThat(result.getHeight()).isEqualTo(1376);
    }

    @Test
    void aMissingOrUnreachableSourceIsAnErrorWithHttp200() {
        sim = ProviderSimulator.start(SimulatorSettings.defaults());

        SimClient.JsonReply missing = client.post(sim.baseUrl() + "/api/v7/images/image-to-image", edit("x", null));
        SimClient.JsonReply unreachable = client.post(sim.baseUrl() + "/api/v7/images/image-to-image",
                edit("x", sim.baseUrl() + "/outputs/nope.png"));

        assertThat(missing.status()).isEqualTo(200);
        assertThat(missing.body().path("message").asString()).isEqualTo("init_image is required");
        assertThat(unreachable.status()).isEqualTo(200);
        assertThat(unreachable.body().path("message").asString()).isEqualTo("Unable to fetch image from provided URL");
        assertThat(sim.submissions()).isZero();
    }
}
