package com.desayre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The terminal renderer: what a job's live line and plain line say, and how a frame redraws lines in place. */
class ProgressLineTest {
    private static final String ID = "3f2a9c1e-5b7d-4e2a-9f00-1234567890ab";

    private static Job job(String status, Integer progress, String message, Job.Queue queue) {
        return new Job(ID, "IMAGE", status, null, progress, message, null, List.of(), queue, null, null);
    }

    @Test
    void aWaitingJobShowsItsPlaceInLineAndTheTimeSinceItWasFollowed() {
        var line = ProgressLine.line(job("WAITING", null, null, new Job.Queue("nano-banana-pro", "INTERACTIVE", 3, 2, 40L)),
                Duration.ofSeconds(75), 100, 0);
        assertThat(line).startsWith("3f2a9c1e image WAITING    #3 in line, 2 ahead, ~0:40 to go").endsWith(" 1:15");
        assertThat(line).hasSize(99);
    }

    @Test
    void aStatusWithProgressShowsABar() {
        var line = ProgressLine.line(job("PROCESSING", 45, "Rendering", null), Duration.ofSeconds(12), 100, 0);
        assertThat(line).contains("PROCESSING [=========>          ]  45%  Rendering").endsWith("0:12");
        assertThat(ProgressLine.bar(0)).isEqualTo("[>                   ]   0%");
        assertThat(ProgressLine.bar(100)).isEqualTo("[====================] 100%");
        assertThat(ProgressLine.bar(250)).isEqualTo(ProgressLine.bar(100));
    }

    @Test
    void aStatusWithoutProgressSpinsSoTheLineVisiblyLives() {
        var first = ProgressLine.line(job("SUBMITTED", null, "At the provider", null), Duration.ZERO, 100, 0);
        var next = ProgressLine.line(job("SUBMITTED", null, "At the provider", null), Duration.ZERO, 100, 1);
        assertThat(first).contains("SUBMITTED  | At the provider");
        assertThat(next).contains("SUBMITTED  / At the provider");
    }

    @Test
    void endedJobsSayWhatCameOutOrWhy() {
        var done = new Job(ID, "VIDEO", "COMPLETED", null, 100, null, null,
                List.of(new Job.Media("/api/media/x/0.mp4", "video/mp4", 848, 480, 1000, 8000L)), null, null, null);
        assertThat(ProgressLine.line(done, Duration.ofSeconds(3), 100, 7)).contains("COMPLETED  848x480 mp4 8.0 s");
        var failed = new Job(ID, "IMAGE", "FAILED", null, null, null, new Job.Error("PROVIDER_REJECTED", "The provider said no."),
                List.of(), null, null, null);
        assertThat(ProgressLine.plain(failed, Duration.ofSeconds(61)))
                .isEqualTo(ID + " FAILED PROVIDER_REJECTED: The provider said no. (1:01)");
    }

    @Test
    void aLineNeverWrapsOnANarrowTerminal() {
        var line = ProgressLine.line(job("PROCESSING", 10, "a long message that goes on and on past the edge", null),
                Duration.ofHours(2), 40, 0);
        assertThat(line).hasSize(39).endsWith(" 2:00:00").contains("~");
    }

    @Test
    void aFrameGoesBackUpOverTheLinesItDrewAndRewritesEachWhole() {
        assertThat(ProgressLine.frame(List.of("a", "b"), 0)).isEqualTo("\r\u001b[2Ka\n\r\u001b[2Kb\n");
        assertThat(ProgressLine.frame(List.of("a", "b"), 2)).isEqualTo("\u001b[2A\r\u001b[2Ka\n\r\u001b[2Kb\n");
    }

    @Test
    void plainLinesCarryTheWholeJobIdForScripts() {
        assertThat(ProgressLine.plain(job("QUEUED", null, "Waiting for a free slot.", null), Duration.ZERO))
                .isEqualTo(ID + " QUEUED Waiting for a free slot. (0:00)");
    }
}
