package com.desayre.videoworker;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobStatus;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A worker stopped while videos are pending at xAI: a new worker polls them on from their stored
 * request ids, and none is submitted twice; and one stopped in the middle of a submit, whose
 * outcome nobody can know, is failed as SUBMISSION_UNKNOWN, never sent again.
 */
class VideoWorkerRestartIT {

    @Test
    void twentyPendingVideosCompleteAfterARestartEachSubmittedExactlyOnce() {
        try (var sim = ProviderSimulator.start(SimulatorSettings.defaults().withVideoLatency(Duration.ofSeconds(6)));
             var harness = new VideoHarness("video_worker_restart")) {
            var jobs = new ArrayList<EncodedJob>();
            try (var first = harness.startWorker(sim.baseUrl(), Map.of())) {
                for (int i = 0; i < 20; i++) {
                    var job = VideoHarness.job("patience " + i);
                    jobs.add(job);
                    harness.send(job);
                }
                for (var job : jobs) {
                    harness.awaitStatus(job.jobId(), JobStatus.PROCESSING);
                }
                assertThat(jobs).allSatisfy(job -> assertThat(harness.media(job.jobId())).isEmpty());
            }
            assertThat(sim.submissions()).isEqualTo(20);

            try (var second = harness.startWorker(sim.baseUrl(), Map.of())) {
                for (var job : jobs) {
                    harness.awaitMedia(job.jobId());
                }
                for (var job : jobs) {
                    assertThat(harness.media(job.jobId())).hasSize(1);
                    assertThat(harness.statusList(job.jobId()).stream().filter(s -> s == JobStatus.SUBMITTED)).hasSize(1);
                    assertThat(harness.row(job.jobId())).containsEntry("state", "DONE");
                }
                assertThat(sim.submissions()).isEqualTo(20);
                assertThat(sim.submitRequests()).isEqualTo(20);
            }
        }
    }

    @Test
    void aWorkerThatDiedMidSubmitLeavesAJobThatIsFailedNeverResent() {
        try (var sim = ProviderSimulator.start(SimulatorSettings.defaults());
             var harness = new VideoHarness("video_worker_window")) {
            // xAI takes the video at once but answers 20 s later: the worker dies before the answer
            var job = VideoHarness.job("caught in the window [sim:slow=20000]");
            var stopAtOnce = Map.of("resilience4j.timelimiter.configs.default.timeout-duration", "5s",
                    "desayre.video-worker.shutdown-grace", "0ms");
            try (var first = harness.startWorker(sim.baseUrl(), stopAtOnce)) {
                harness.send(job);
                harness.awaitStatus(job.jobId(), JobStatus.SUBMITTED);
            }
            assertThat(harness.row(job.jobId())).containsEntry("state", "SUBMITTING");
            assertThat(sim.submissions()).isEqualTo(1);

            // the new worker takes the job up when the dead one's lease runs out (15 s)
            try (var second = harness.startWorker(sim.baseUrl(), stopAtOnce)) {
                var failed = harness.awaitStatus(job.jobId(), JobStatus.FAILED);
                assertThat(failed.error().code()).isEqualTo(JobError.SUBMISSION_UNKNOWN);
                assertThat(failed.error().message()).startsWith("DESAYRE restarted while sending this job to xAI.").contains("try again");
                assertThat(harness.awaitDeadLetter(job.jobId()).headers()).containsEntry("x-desayre-failure-class", "NETWORK");
                assertThat(harness.row(job.jobId())).containsEntry("state", "FAILED");
            }
            assertThat(sim.submitRequests()).isEqualTo(1);
            assertThat(sim.submissions()).isEqualTo(1);
        }
    }
}
