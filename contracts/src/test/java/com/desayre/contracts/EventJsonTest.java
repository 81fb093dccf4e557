package com.desayre.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    private static final JobSpec SPEC = new JobSpec("admin", JobKind.IMAGE, "a lighthouse at dusk, é ✓", "16:9",
            1376, 768, 42L, "desayre-cinematic", true, Priority.INTERACTIVE, null, null, null);

    @Test
    void everyEventSurvivesARoundTrip() {
        var route = new Route("modelslabs", "nano-banana-pro", Priority.INTERACTIVE);
        List<Object> events = List.of(
                GenerationRequested.of("job-1", SPEC),
                EncodedJob.of("job-1", SPEC, route, "a lighthouse at dusk, golden hour", "blurry", "enc-1"),
                MediaReady.of("job-1", SPEC, route, List.of("http://127.0.0.1:1/outputs/1-0.png"), "123", 42L, 812),
                StatusChanged.of("job-1", SPEC, JobStatus.PROCESSING, "image-worker", "Rendering").withProgress(40),
                StatusChanged.failed("job-1", SPEC, "image-worker",
                        new JobError(JobError.PROVIDER_REJECTED, "The provider refused the prompt.")),
                StatusChanged.of("job-1", SPEC, JobStatus.RETRYING, "image-worker", "Attempt 1 of 4 failed.")
                        .withRetry(new StatusChanged.RetryInfo(1, 4, java.time.Instant.parse("2026-11-25T10:00:05Z"))),
                StatusChanged.completed("job-1", SPEC, "storage-sink",
                        List.of(new StoredMedia("job-1/0.png", "image/png", 1376, 768, 2048, "ab12", "job-1/0.thumb.jpg"))),
                StatusChanged.of("job-1", SPEC, JobStatus.ENCODED, "prompt-encoder", "Prompt ready.")
                        .withEncoding(new PromptEncoding("a lighthouse, photorealistic", null, "desayre-cinematic",
                                "enc1+desayre-cinematic.0000", "modelslabs", "nano-banana-pro")),
                ControlRequested.of("job-1", ControlRequested.Action.CANCEL, "admin", "admin"));

        for (var event : events) {
            var back = EventJson.read(EventJson.write(event), event.getClass());
            assertThat(back).isEqualTo(event);
        }
    }

    @Test
    void instantsAreIsoStringsAndEnumsAreNames() {
        var json = new String(EventJson.write(GenerationRequested.of("job-2", SPEC)), StandardCharsets.UTF_8);
        assertThat(json).contains("\"kind\":\"IMAGE\"").contains("\"priority\":\"INTERACTIVE\"")
                .containsPattern("\"occurredAt\":\"\\d{4}-\\d{2}-\\d{2}T");
    }

    @Test
    void aReaderIgnoresFieldsALaterSchemaAdds() {
        var json = """
                {"schemaVersion":2,"eventId":"e","jobId":"j","occurredAt":"2026-11-25T10:00:00Z",
                 "ownerId":"u","kind":"IMAGE","status":"QUEUED","stage":"gateway","addedLater":{"x":1}}
                """;
        var event = EventJson.read(json, StatusChanged.class);
        assertThat(event.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(event.media()).isEmpty();
    }

    @Test
    void retryInfoIsOptionalAndReadFromItsJson() {
        var older = EventJson.read("""
                {"schemaVersion":1,"eventId":"e","jobId":"j","occurredAt":"2026-11-25T10:00:00Z",
                 "ownerId":"u","kind":"IMAGE","status":"RETRYING","stage":"image-worker"}
                """, StatusChanged.class);
        assertThat(older.retry()).isNull();

        var json = new String(EventJson.write(StatusChanged.of("j", SPEC, JobStatus.RETRYING, "image-worker", "again")
                .withRetry(new StatusChanged.RetryInfo(2, 4, java.time.Instant.parse("2026-11-25T10:00:05Z")))),
                StandardCharsets.UTF_8);
        assertThat(json).contains("\"retry\":{\"attempt\":2,\"maxAttempts\":4,\"nextAttemptAt\":\"2026-11-25T10:00:05Z\"}");
    }

    @Test
    void aVideoSpecKeepsItsOptionsAndAnOlderSpecWithoutThemStillReads() {
        var video = new JobSpec("ada", JobKind.VIDEO, "waves at dusk", "16:9", 1280, 720, null, null, true,
                Priority.INTERACTIVE, "job-9/0.png", 6, "720p");
        var encoded = EncodedJob.of("job-3", video, new Route("xai", "grok-imagine-video", Priority.INTERACTIVE), "waves", null, "enc-1");
        assertThat(EventJson.read(EventJson.write(encoded), EncodedJob.class)).isEqualTo(encoded);

        // written before JobSpec had durationSeconds and resolution
        var older = EventJson.read("""
                {"ownerId":"u","kind":"IMAGE","prompt":"p","aspectRatio":"1:1","width":1024,"height":1024,
                 "seed":null,"styleProfile":null,"enhance":true,"priority":"BATCH","sourceMediaKey":null}
                """, JobSpec.class);
        assertThat(older).isEqualTo(new JobSpec("u", JobKind.IMAGE, "p", "1:1", 1024, 1024, null, null, true,
                Priority.BATCH, null));
        assertThat(older.durationSeconds()).isNull();
        assertThat(older.resolution()).isNull();
    }

    @Test
    void everyInputTopicHasItsDlqAmongAllTopics() {
        for (var topic : Topics.WITH_DLQ) {
            assertThat(Topics.all()).contains(topic, Topics.dlq(topic));
        }
        assertThat(Topics.all()).doesNotHaveDuplicates();
    }
}
