package com.desayre.providersim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import org.jcodec.api.FrameGrab;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import org.jcodec.scale.AWTUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** xAI's video API: bearer auth, submit, pending with progress, done with a real MP4, and the failure outcomes. */
class XaiVideoApiTest {
    private static final String KEY = "xai-test-key-0123456789";

    private final HttpClient http = HttpClient.newHttpClient();
    private ProviderSimulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private record Reply(int status, JsonNode body) {
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), SimClient.JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private Reply submit(Map<String, ?> body) {
        return send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/videos/generations"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SimClient.JSON.writeValueAsString(body))));
    }

    private Reply poll(String requestId) {
        return send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/videos/" + requestId))
                .header("Authorization", "Bearer " + KEY).GET());
    }

    private Reply awaitFinished(String requestId) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> poll(requestId), r -> !r.body().path("status").asString().equals("pending")
                        && r.body().has("status"));
    }

    /** Duration in seconds and frame count of an MP4, from its own index. */
    static double[] durationAndFrames(byte[] mp4) throws IOException {
        var demuxer = MP4Demuxer.createMP4Demuxer(ByteBufferSeekableByteChannel.readFromByteBuffer(ByteBuffer.wrap(mp4)));
        var meta = demuxer.getVideoTrack().getMeta();
        return new double[] {meta.getTotalDuration(), meta.getTotalFrames()};
    }

    @Test
    void textToVideoGoesPendingWithProgressThenDoneWithAPlayableMp4OfTheAskedLength() throws Exception {
        sim = ProviderSimulator.start(SimulatorSettings.defaults().withVideoLatency(Duration.ofMillis(600)));

        var submitted = submit(Map.of("model", "grok-imagine-video", "prompt", "waves on a beach at dusk", "duration", 3,
                "aspect_ratio", "16:9", "resolution", "480p"));

        assertThat(submitted.status()).isEqualTo(200);
        var id = submitted.body().path("request_id").asString();
        assertThat(id).matches("[0-9a-f-]{36}");
        // the first poll may echo only the request id, the next may be 202 with no body; later ones say pending with a progress
        assertThat(poll(id).body().has("status")).isFalse();
        var accepted = poll(id);
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.body().isMissingNode() || accepted.body().isEmpty()).as(accepted.body().toString()).isTrue();
        var pending = poll(id).body();
        assertThat(pending.path("status").asString()).isEqualTo("pending");
        assertThat(pending.path("progress").asInt()).isBetween(0, 99);

        var done = awaitFinished(id).body();
        assertThat(done.path("status").asString()).isEqualTo("done");
        assertThat(done.path("video").path("duration").asInt()).isEqualTo(3);
        assertThat(done.path("video").path("respect_moderation").asBoolean()).isTrue();
        assertThat(done.path("usage").path("cost_in_usd_ticks").asLong()).isEqualTo(1_500_000_000L);

        var mp4 = new SimClient().download(done.path("video").path("url").asString());
        assertThat(new String(mp4, 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        var info = durationAndFrames(mp4);
        assertThat(info[0]).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(info[1]).isEqualTo(3 * VideoRenderer.FPS);
        var first = AWTUtil.toBufferedImage(FrameGrab.createFrameGrab(
                ByteBufferSeekableByteChannel.readFromByteBuffer(ByteBuffer.wrap(mp4))).getNativeFrame());
        assertThat(first.getWidth()).isEqualTo(640);
        assertThat(first.getHeight()).isEqualTo(360);
        assertThat(sim.submissions()).isEqualTo(1);
    }

    @Test
    void fixedVideosAreOnePlainClipPerSizeAndLengthWhateverThePrompt() throws Exception {
        sim = ProviderSimulator.start(SimulatorSettings.defaults().withVideoLatency(Duration.ofMillis(100)).withFixedImages(true));

        byte[] waves = video(Map.of("model", "grok-imagine-video", "prompt", "waves on a beach", "duration", 2, "aspect_ratio", "16:9"));
        byte[] storm = video(Map.of("model", "grok-imagine-video", "prompt", "a storm at sea", "duration", 2, "aspect_ratio", "16:9"));
        byte[] longer = video(Map.of("model", "grok-imagine-video", "prompt", "a storm at sea", "duration", 3, "aspect_ratio", "16:9"));

        // encoded once per size and length (a chaos run's simulator must not spend a core drawing clips), still a real
        // MP4 of the asked length and size
        assertThat(storm).isEqualTo(waves);
        assertThat(durationAndFrames(waves)[1]).isEqualTo(2 * VideoRenderer.FPS);
        assertThat(durationAndFrames(longer)[1]).isEqualTo(3 * VideoRenderer.FPS);
        var first = AWTUtil.toBufferedImage(FrameGrab.createFrameGrab(
                ByteBufferSeekableByteChannel.readFromByteBuffer(ByteBuffer.wrap(longer))).getNativeFrame());
        assertThat(first.getWidth()).isEqualTo(640);
        assertThat(first.getHeight()).isEqualTo(360);
    }

    private byte[] video(Map<String, ?> request) {
        var id = submit(request).body().path("request_id").asString();
        return new SimClient().download(awaitFinished(id).body().path("video").path("url").asString());
    }

    @Test
    void imageToVideoStartsFromTheFetchedSourceImage() throws Exception {
        sim = ProviderSimulator.start(SimulatorSettings.defaults());
        var client = new SimClient();
        var png = client.post(sim.baseUrl() + "/api/v7/images/text-to-image", Map.of("key", "k", "model_id", "nano-banana-pro",
                "prompt", "a red barn", "aspect_ratio", "1:1")).body().path("output").get(0).asString();

        var id = submit(Map.of("model", "grok-imagine-video", "prompt", "the barn in the wind", "duration", 1,
                "image", Map.of("url", png))).body().path("request_id").asString();

        var mp4 = client.download(awaitFinished(id).body().path("video").path("url").asString());
        var frame = AWTUtil.toBufferedImage(FrameGrab.createFrameGrab(
                ByteBufferSeekableByteChannel.readFromByteBuffer(ByteBuffer.wrap(mp4))).getNativeFrame());
        // a square source gives a square video, whose first frame looks like the source
        assertThat(frame.getWidth()).isEqualTo(frame.getHeight());
        var source = SimClient.decode(client.download(png));
        assertThat(meanDifference(source, frame)).isLessThan(60);
    }

    private static double meanDifference(BufferedImage a, BufferedImage b) {
        long sum = 0;
        int n = 0;
        for (int y = b.getHeight() / 8; y < b.getHeight() * 5 / 8; y += 8) {
            for (int x = b.getWidth() / 8; x < b.getWidth() * 7 / 8; x += 8) {
                // the first frame is the source scaled (with the camera slightly off-centre): compare around the middle
                int pa = a.getRGB(x * a.getWidth() / b.getWidth(), y * a.getHeight() / b.getHeight());
                int pb = b.getRGB(x, y);
                sum += Math.abs(((pa >> 16) & 255) - ((pb >> 16) & 255)) + Math.abs(((pa >> 8) & 255) - ((pb >> 8) & 255))
                        + Math.abs((pa & 255) - (pb & 255));
                n += 3;
            }
        }
        return (double) sum / n;
    }

    @Test
    void failedExpiredAndModeratedVideosEndAsXaiSaysTheyDo() {
        sim = ProviderSimulator.start(SimulatorSettings.defaults());

        var failed = awaitFinished(submit(Map.of("model", "grok-imagine-video", "prompt", "x [sim:failed]"))
                .body().path("request_id").asString()).body();
        var expired = awaitFinished(submit(Map.of("model", "grok-imagine-video", "prompt", "y [sim:expire]"))
                .body().path("request_id").asString()).body();
        var moderated = awaitFinished(submit(Map.of("model", "grok-imagine-video", "prompt", "z [sim:nsfw]"))
                .body().path("request_id").asString()).body();

        assertThat(failed.path("status").asString()).isEqualTo("failed");
        assertThat(failed.path("error").path("code").asString()).isEqualTo("internal_error");
        assertThat(expired.path("status").asString()).isEqualTo("expired");
        assertThat(moderated.path("status").asString()).isEqualTo("done");
        assertThat(moderated.path("video").path("respect_moderation").asBoolean()).isFalse();
        assertThat(moderated.path("video").has("url")).isFalse();
    }

    @Test
    void authContentTypeValidationAndFaultsAnswerLikeXai() {
        sim = ProviderSimulator.start(SimulatorSettings.defaults());
        var noKey = send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/videos/generations"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"p\"}")));
        var noJson = send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/videos/generations"))
                .header("Authorization", "Bearer " + KEY).POST(HttpRequest.BodyPublishers.ofString("prompt=p")));

        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noJson.status()).isEqualTo(415);
        assertThat(submit(Map.of("model", "grok-imagine-video", "prompt", "p", "duration", 16)).status()).isEqualTo(422);
        assertThat(submit(Map.of("model", "grok-imagine-video", "prompt", "p", "resolution", "4k")).status()).isEqualTo(422);
        assertThat(submit(Map.of("model", "grok-imagine-video", "prompt", "p", "image", "http://x/y.png")).status()).isEqualTo(422);
        assertThat(submit(Map.of("model", "dall-e", "prompt", "p")).status()).isEqualTo(404);
        var badKey = submit(Map.of("model", "grok-imagine-video", "prompt", "p [sim:fail=400]"));
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(badKey.body().path("error").asString()).contains("Incorrect API key provided");
        assertThat(badKey.body().path("code").asString()).isEqualTo(XaiVideoApi.INVALID_ARGUMENT);
        var limited = submit(Map.of("model", "grok-imagine-video", "prompt", "p [sim:fail=429] [sim:times=1]"));
        assertThat(limited.status()).isEqualTo(429);
        assertThat(submit(Map.of("model", "grok-imagine-video", "prompt", "p [sim:fail=429] [sim:times=1]")).status()).isEqualTo(200);
        assertThat(poll("00000000-0000-0000-0000-000000000000").status()).isEqualTo(404);

        var flaky = submit(Map.of("model", "grok-imagine-video", "prompt", "q [sim:poll-fail=503] [sim:times=2]"))
                .body().path("request_id").asString();
        assertThat(poll(flaky).status()).isEqualTo(503);
        assertThat(poll(flaky).status()).isEqualTo(503);
        assertThat(poll(flaky).status()).isEqualTo(200);
        assertThat(sim.submitRequests()).isEqualTo(10);
        assertThat(sim.submissions()).isEqualTo(2);
    }
}
