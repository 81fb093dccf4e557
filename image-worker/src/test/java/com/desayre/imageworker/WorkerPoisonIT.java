package com.desayre.imageworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Topics;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Records the image-worker can never use, on its intake ({@code generation.image.requested}) and its
 * control ({@code generation.control}) bindings, go to their DLQs on the first delivery, without the
 * backoff of retries, and the jobs behind them run.
 */
class WorkerPoisonIT {

    @Test
    void unusableIntakeAndControlRecordsGoToTheirDlqsAtOnce() {
        try (var sim = ProviderSimulator.start(SimulatorSettings.defaults());
             var harness = new WorkerHarness("image_worker_poison");
             // a record that was retried would wait a minute for its first retry: past this test's awaits
             var worker = harness.startWorker(sim.baseUrl(), Map.of(
                     "spring.cloud.stream.bindings.generateImage-in-0.consumer.back-off-initial-interval", "60000",
                     "spring.cloud.stream.bindings.generateImage-in-0.consumer.back-off-max-interval", "60000",
                     "spring.cloud.stream.bindings.controlImage-in-0.consumer.back-off-initial-interval", "60000",
                     "spring.cloud.stream.bindings.controlImage-in-0.consumer.back-off-max-interval", "60000"))) {
            var notJson = "poison-" + UUID.randomUUID();
            var empty = "poison-" + UUID.randomUUID();
            var missing = "poison-" + UUID.randomUUID();
            var control = "poison-" + UUID.randomUUID();
            harness.sendRaw(Topics.IMAGE_REQUESTED, notJson, "{not json".getBytes(StandardCharsets.UTF_8));
            harness.sendRaw(Topics.IMAGE_REQUESTED, empty, new byte[0]);
            harness.sendRaw(Topics.IMAGE_REQUESTED, missing, "{\"jobId\":\"x\"}".getBytes(StandardCharsets.UTF_8));
            harness.sendRaw(Topics.CONTROL, control, "[1,2,3]".getBytes(StandardCharsets.UTF_8));
            var job = WorkerHarness.job("a lighthouse after the poison");
            harness.send(job);

            await().atMost(Duration.ofSeconds(30)).until(() -> harness.deadLetters(notJson).size() == 1
                    && harness.deadLetters(empty).size() == 1 && harness.deadLetters(missing).size() == 1
                    && harness.records(WorkerHarness.CONTROL_DLQ, control).size() == 1);
            harness.awaitStatus(job.jobId(), JobStatus.SUBMITTED);
            assertThat(harness.records(WorkerHarness.CONTROL_DLQ, control).get(0).headers().lastHeader("x-original-topic").value())
                    .asString(StandardCharsets.UTF_8).isEqualTo(Topics.CONTROL);
            assertThat(harness.deadLetters(job.jobId())).isEmpty();
        }
    }
}
