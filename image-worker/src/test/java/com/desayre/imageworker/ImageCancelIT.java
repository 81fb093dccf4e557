package com.desayre.imageworker;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.JobStatus;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A user's cancel reaches the image-worker through generation.control and stops the job there. */
class ImageCancelIT {

    @Test
    void aCancelledImageIsNoLongerPolledAndEndsCancelled() {
        try (var sim = ProviderSimulator.start(SimulatorSettings.defaults());
             var harness = new WorkerHarness("image_worker_cancel");
             var worker = harness.startWorker(sim.baseUrl(), Map.of())) {
            var job = WorkerHarness.job("[sim:async] [sim:never] a sunset that will not be waited for");
            harness.send(job);
            harness.awaitStatus(job.jobId(), JobStatus.PROCESSING);

            harness.cancel(job.jobId());

            var cancelled = harness.awaitStatus(job.jobId(), JobStatus.CANCELLED);
            assertThat(cancelled.stage()).isEqualTo("image-worker");
            assertThat(harness.media(job.jobId())).isEmpty();
            assertThat(harness.deadLetters(job.jobId())).isEmpty();
            assertThat(sim.submissions()).isEqualTo(1);
        }
    }
}
