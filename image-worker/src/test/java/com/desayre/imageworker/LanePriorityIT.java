package com.desayre.imageworker;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Route;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Kafka has no priority, so the worker's own queue keeps it: when the provider's queue is full,
 * a person's interactive job goes before a batch that arrived earlier.
 */
class LanePriorityIT {

    private static EncodedJob job(String prompt, Priority lane) {
        var spec = WorkerHarness.spec(JobKind.IMAGE, prompt, null);
        return EncodedJob.of(UUID.randomUUID().toString(), spec, new Route("modelslabs", "nano-banana-pro", lane), prompt,
                null, "test");
    }

    @Test
    void anInteractiveJobOvertakesAQueuedBatch() {
        try (var sim = ProviderSimulator.start(SimulatorSettings.defaults().withMode(SimulatorSettings.Mode.ASYNC)
                .withLatency(Duration.ofMillis(700)));
             var harness = new WorkerHarness("image_worker_lanes");
             var worker = harness.startWorker(sim.baseUrl(), Map.of(
                     // one job at the provider at a time: everything else waits in the worker's queue
                     "resilience4j.bulkhead.instances.modelslabs.max-concurrent-calls", "1"))) {
            var batch = new ArrayList<EncodedJob>();
            for (int i = 0; i < 4; i++) {
                batch.add(job("batch render " + i, Priority.BATCH));
                harness.send(batch.get(i));
            }
            var person = job("a person is waiting", Priority.INTERACTIVE);
            harness.send(person);

            var personSubmitted = harness.awaitStatus(person.jobId(), JobStatus.SUBMITTED).occurredAt();
            var batchBefore = 0;
            for (var b : batch) {
                var submitted = harness.awaitStatus(b.jobId(), JobStatus.SUBMITTED).occurredAt();
                if (submitted.isBefore(personSubmitted)) {
                    batchBefore++;
                }
            }
            // at most the batch job already at the provider when the person's job arrived
            assertThat(batchBefore).isLessThanOrEqualTo(1);
        }
    }
}
