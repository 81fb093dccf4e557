package com.desayre.stackit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.Topics;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Edits and image-to-video from a source image, through every service: an upload (checked,
 * re-encoded, stored) or a finished image of the caller's, fetched by the provider simulator
 * through a signed, expiring source link the gateway serves. Bad uploads are refused with a
 * problem naming what to do, and nothing is published for them.
 */
class EditAndUploadIT {
    private static final Map<String, String> NONE = Map.of();

    @Test
    void anUploadedImageIsEditedIntoAPictureVisiblyDerivedFromIt() throws Exception {
        var studio = Studio.get();
        // left half red, right half blue, 640x480: the edit must keep that layout at the nearest supported shape (4:3)
        var accepted = studio.postMultipart("/api/generate/edit", Map.of("prompt", "make it look like a foggy morning",
                "seed", "7"), "image", png(640, 480), "image/png", NONE);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        var jobId = Studio.JSON.readTree(accepted.body()).get("jobId").asString();

        var done = studio.awaitTerminal(jobId);
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("COMPLETED");
        var details = Studio.JSON.readTree(studio.get("/api/history/" + jobId, studio.token).body()).get("job");
        assertThat(details.get("kind").asString()).isEqualTo("EDIT");
        var media = details.get("media").get(0);
        var edited = ImageIO.read(new ByteArrayInputStream(studio.bytes(media.get("url").asString(), studio.token, NONE).body()));
        assertThat((double) edited.getWidth() / edited.getHeight()).isCloseTo(4.0 / 3, org.assertj.core.data.Offset.offset(0.05));
        var left = new Color(edited.getRGB(edited.getWidth() / 4, edited.getHeight() / 3));
        var right = new Color(edited.getRGB(edited.getWidth() * 3 / 4, edited.getHeight() / 3));
        assertThat(left.getRed()).as("left stays red").isGreaterThan(left.getBlue());
        assertThat(right.getBlue()).as("right stays blue").isGreaterThan(right.getRed());
    }

    @Test
    void aFinishedImageIsEditedTwiceWithOneRequestAndAnIdempotentRetryReturnsTheSameJobs() throws Exception {
        var studio = Studio.get();
        var source = studio.submitImage("a lighthouse on a cliff " + UUID.randomUUID(), "16:9");
        assertThat(studio.awaitTerminal(source).get("status").asString()).isEqualTo("COMPLETED");

        var body = "{\"prompt\":\"add a rainbow over the sea\",\"sourceJobId\":\"" + source + "\",\"n\":2,\"seed\":11}";
        var key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
        var first = studio.post("/api/generate/edit", studio.token, body, key);
        var again = studio.post("/api/generate/edit", studio.token, body, key);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        var jobs = ids(Studio.JSON.readTree(first.body()));
        assertThat(jobs).hasSize(2).doesNotHaveDuplicates();
        assertThat(ids(Studio.JSON.readTree(again.body()))).isEqualTo(jobs);

        for (var job : jobs) {
            var done = studio.awaitTerminal(job);
            assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("COMPLETED");
        }
        // no ratio asked: the source's 16:9 is kept
        var job = Studio.JSON.readTree(studio.get("/api/history/" + jobs.get(0), studio.token).body()).get("job");
        assertThat(job.get("aspectRatio").asString()).isEqualTo("16:9");
        var media = job.get("media").get(0);
        assertThat((double) media.get("width").asInt() / media.get("height").asInt())
                .isCloseTo(16.0 / 9, org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void aVideoStartsFromAnUploadedImage() throws Exception {
        var studio = Studio.get();
        var accepted = studio.postMultipart("/api/generate/video", Map.of("prompt", "slow push in", "durationSeconds", "2",
                "resolution", "480p"), "image", png(320, 240), "image/png", NONE);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        var jobId = Studio.JSON.readTree(accepted.body()).get("jobId").asString();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            var job = Studio.JSON.readTree(studio.get("/api/jobs/" + jobId, studio.token).body());
            return List.of("COMPLETED", "FAILED").contains(job.get("status").asString());
        });
        var job = Studio.JSON.readTree(studio.get("/api/history/" + jobId, studio.token).body()).get("job");
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("COMPLETED");
        assertThat(job.get("media").get(0).get("mimeType").asString()).isEqualTo("video/mp4");
    }

    @Test
    void badUploadsAreRefusedNamingWhatToDoAndNothingIsPublished() throws Exception {
        var studio = Studio.get();
        var tag = "upload-check-" + UUID.randomUUID();
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.REQUESTED)) {
            var fields = Map.of("prompt", tag);

            var text = studio.postMultipart("/api/generate/edit", fields, "image", "not an image".getBytes(), "image/png", NONE);
            assertThat(text.statusCode()).isEqualTo(415);
            assertThat(problemType(text)).isEqualTo("/problems/unsupported-upload");

            var huge = studio.postMultipart("/api/generate/edit", fields, "image", png(5000, 64), "image/png", NONE);
            assertThat(huge.statusCode()).isEqualTo(422);
            assertThat(problemType(huge)).isEqualTo("/problems/upload-dimensions");
            assertThat(Studio.JSON.readTree(huge.body()).get("detail").asString()).contains("5000x64");

            // a 1x1 lossless WebP: read (its size is known), and refused for that size, not for its format
            var webp = java.util.Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");
            var tiny = studio.postMultipart("/api/generate/edit", fields, "image", webp, "image/webp", NONE);
            assertThat(tiny.statusCode()).as(tiny.body()).isEqualTo(422);
            assertThat(Studio.JSON.readTree(tiny.body()).get("detail").asString()).contains("1x1");

            var tooBig = new byte[21 * 1024 * 1024];
            System.arraycopy(png(64, 64), 0, tooBig, 0, 8);
            var large = studio.postMultipart("/api/generate/edit", fields, "image", tooBig, "image/png", NONE);
            assertThat(large.statusCode()).as(large.body()).isEqualTo(413);
            assertThat(problemType(large)).isEqualTo("/problems/upload-too-large");

            var noFile = studio.postMultipart("/api/generate/edit", fields, "image", null, null, NONE);
            assertThat(noFile.statusCode()).isEqualTo(400);
            assertThat(noFile.body()).contains("\"field\":\"image\"");

            var typo = studio.postMultipart("/api/generate/edit", Map.of("prompt", tag, "aspect_ratio", "1:1"), "image",
                    png(64, 64), "image/png", NONE);
            assertThat(typo.statusCode()).isEqualTo(400);
            assertThat(typo.body()).contains("aspect_ratio");

            var noSource = studio.post("/api/generate/edit", studio.token, "{\"prompt\":\"" + tag + "\"}");
            assertThat(noSource.statusCode()).isEqualTo(400);
            assertThat(noSource.body()).contains("sourceJobId");

            var tooMany = studio.post("/api/generate/image", studio.token, "{\"prompt\":\"" + tag + "\",\"n\":5}");
            assertThat(tooMany.statusCode()).isEqualTo(400);
            assertThat(tooMany.body()).contains("\"field\":\"n\"");

            // then one good request: once it is on the topic, it is the only one with the tag
            var good = studio.postMultipart("/api/generate/edit", fields, "image", png(64, 64), "image/png", NONE);
            assertThat(good.statusCode()).as(good.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> tagged(probe, tag) == 1);
            assertThat(tagged(probe, tag)).isEqualTo(1);
        }
    }

    @Test
    void sourceLinksOnlyWorkSignedAndUnaltered() throws Exception {
        var studio = Studio.get();
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.REQUESTED)) {
            var accepted = studio.postMultipart("/api/generate/edit", Map.of("prompt", "turn day into night"), "image",
                    png(96, 96), "image/png", NONE);
            assertThat(accepted.statusCode()).isEqualTo(202);
            var jobId = Studio.JSON.readTree(accepted.body()).get("jobId").asString();
            var requested = await().atMost(Duration.ofSeconds(30)).until(() -> probe.records(Topics.REQUESTED, jobId),
                    records -> !records.isEmpty()).get(0);
            var sourceKey = Studio.JSON.readTree(requested.value()).get("spec").get("sourceMediaKey").asString();
            assertThat(sourceKey).startsWith("uploads/").endsWith(".png");
            // the provider fetched it through a signed link (the edit completed); unsigned or altered links get nothing
            assertThat(studio.awaitTerminal(jobId).get("status").asString()).isEqualTo("COMPLETED");
            assertThat(studio.bytes("/media/source/" + sourceKey, null, NONE).statusCode()).isEqualTo(404);
            assertThat(studio.bytes("/media/source/" + sourceKey + "?expires=9999999999&signature=00", null, NONE)
                    .statusCode()).isEqualTo(404);
        }
    }

    private static long tagged(TopicProbe probe, String tag) {
        return probe.all().stream().filter(r -> r.topic().equals(Topics.REQUESTED) && r.value().contains(tag)).count();
    }

    private static List<String> ids(JsonNode list) {
        var ids = new ArrayList<String>();
        list.forEach(job -> ids.add(job.get("jobId").asString()));
        return ids;
    }

    private static String problemType(java.net.http.HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        return Studio.JSON.readTree(response.body()).get("type").asString();
    }

    /** A PNG whose left half is red and right half blue. */
    static byte[] png(int width, int height) throws Exception {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, width / 2, height);
        g.setColor(Color.BLUE);
        g.fillRect(width / 2, 0, width - width / 2, height);
        g.dispose();
        var out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
