package com.desayre.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestRulesTest {
    private static final String JOB = UUID.randomUUID().toString();

    private static JobSpec image(String prompt) {
        return new JobSpec("ada", JobKind.IMAGE, prompt, "16:9", 1376, 768, 7L, null, true, Priority.INTERACTIVE, null);
    }

    private static RequestRules.Reading read(String json) {
        return RequestRules.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aValidRequestIsReadWhole() {
        var reading = RequestRules.read(EventJson.write(GenerationRequested.of(JOB, image("a lighthouse\nat dusk\t✓"))));
        assertThat(reading.valid()).isTrue();
        assertThat(reading.request().spec().prompt()).isEqualTo("a lighthouse\nat dusk\t✓");
        var video = new JobSpec("ada", JobKind.VIDEO, "waves", "16:9", 1280, 720, null, null, true, Priority.BATCH,
                JOB + "/0.png", 6, "720p", 600);
        assertThat(RequestRules.read(EventJson.write(GenerationRequested.of(JOB, video))).violations()).isEmpty();
        var edit = new JobSpec("ada", JobKind.EDIT, "teal coat", "1:1", 1024, 1024, null, null, true, Priority.INTERACTIVE,
                "uploads/ada/" + "a".repeat(64) + ".png");
        assertThat(RequestRules.read(EventJson.write(GenerationRequested.of(JOB, edit))).violations()).isEmpty();
    }

    @Test
    void unreadableRecordsAreRefusedWithoutAJobToTell() {
        for (var value : new byte[][] {null, new byte[0], "not json".getBytes(StandardCharsets.UTF_8), "[1,2]".getBytes(StandardCharsets.UTF_8)}) {
            var reading = RequestRules.read(value);
            assertThat(reading.valid()).isFalse();
            assertThat(reading.tellable()).isFalse();
        }
    }

    @Test
    void wrongTypesAndUnknownEnumsNameTheirField() {
        var json = new String(EventJson.write(GenerationRequested.of(JOB, image("a cat"))), StandardCharsets.UTF_8);
        var wrongType = read(json.replace("\"enhance\":true", "\"enhance\":{\"x\":1}"));
        assertThat(wrongType.violations()).extracting(RequestRules.Violation::field).containsExactly("spec.enhance");
        assertThat(wrongType.tellable()).isTrue();
        var unknownKind = read(json.replace("\"kind\":\"IMAGE\"", "\"kind\":\"AUDIO\""));
        assertThat(unknownKind.violations()).extracting(RequestRules.Violation::field).containsExactly("spec.kind");
        assertThat(unknownKind.tellable()).isFalse();
        var noSpec = read("{\"schemaVersion\":1,\"jobId\":\"" + JOB + "\",\"eventId\":\"e\",\"occurredAt\":\"2026-12-03T10:00:00Z\"}");
        assertThat(noSpec.violations()).extracting(RequestRules.Violation::field).containsExactly("spec");
    }

    @Test
    void badJobIdsNeverPass() {
        for (var id : new String[] {"../../etc/evil", "a b?c#d", "", JOB + "x"}) {
            var reading = RequestRules.read(EventJson.write(GenerationRequested.of(id, image("a cat"))));
            assertThat(reading.violations()).extracting(RequestRules.Violation::field).contains("jobId");
            assertThat(reading.jobId()).isNull();
            assertThat(reading.tellable()).isFalse();
        }
    }

    @Test
    void promptsAreCheckedForLengthAndControlCharacters() {
        assertThat(RequestRules.promptProblem("a\u0000b")).contains("control");
        assertThat(RequestRules.promptProblem("a\u001bb")).contains("control");
        assertThat(RequestRules.promptProblem("line one\r\nline two\tand a tab")).isNull();
        assertThat(RequestRules.promptProblem("a\uD800b")).contains("control");
        assertThat(RequestRules.promptProblem(" ")).contains("required");
        assertThat(RequestRules.promptProblem("x".repeat(RequestRules.MAX_PROMPT_LENGTH))).isNull();
        assertThat(RequestRules.promptProblem("x".repeat(RequestRules.MAX_PROMPT_LENGTH + 1))).contains("limit");
        var reading = RequestRules.read(EventJson.write(GenerationRequested.of(JOB, image("nul \u0000 here"))));
        assertThat(reading.tellable()).isTrue();
        assertThat(reading.summary()).contains("spec.prompt");
    }

    @Test
    void sizesSourcesAndOptionsMustAgreeWithTheKind() {
        var wrongSize = new JobSpec("ada", JobKind.IMAGE, "a cat", "16:9", 1024, 1024, null, null, true, Priority.INTERACTIVE, null);
        var traversal = new JobSpec("ada", JobKind.EDIT, "a cat", "1:1", 1024, 1024, null, null, true, Priority.INTERACTIVE,
                "uploads/../" + "a".repeat(64) + ".png");
        var longVideo = new JobSpec("ada", JobKind.VIDEO, "waves", "16:9", 1280, 720, null, null, true, Priority.INTERACTIVE,
                null, 60, "1080p", 0);
        assertThat(fields(wrongSize)).containsExactly("spec.width");
        assertThat(fields(traversal)).containsExactly("spec.sourceMediaKey");
        assertThat(fields(longVideo)).containsExactlyInAnyOrder("spec.maxWaitSeconds", "spec.durationSeconds", "spec.resolution");
        assertThat(RequestRules.isSourceKey("uploads/../" + "a".repeat(64) + ".png")).isFalse();
        assertThat(RequestRules.videoSize("9:16", "480p")).isEqualTo(new RequestRules.Size(480, 854));
    }

    private static java.util.List<String> fields(JobSpec spec) {
        return RequestRules.check(GenerationRequested.of(JOB, spec)).stream().map(RequestRules.Violation::field).toList();
    }
}
