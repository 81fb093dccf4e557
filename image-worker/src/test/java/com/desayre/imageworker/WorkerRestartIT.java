package com.desayre.imageworker;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobStatus;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import java.util.ArrayList;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A worker stopped while its jobs are at the provider: a new worker polls them on, and every job
 * completes exactly once, submitted exactly once.
 */
class WorkerRestartIT {
    private static ProviderSimulator sim;
    private static WorkerHarness harness;

    @BeforeAll
    static void start() {
        sim = ProviderSimulator.start(SimulatorSettings.defaults().withMode(SimulatorSettings.Mode.ASYNC));
        harness = new WorkerHarness("image_worker_restart_it");
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void jobsBeingPolledWhenTheWorkerStopsCompleteOnceAfterItRestarts() {
        var jobs = new ArrayList<EncodedJob>();
        var sent = new ArrayList<RecordMetadata>();
        ConfigurableApplicationContext first = harness.startWorker(sim.baseUrl(), Map.of());
        try {
            for (int i = 0; i < 5; i++) {
                // long enough that none finishes before the worker is stopped
                var job = WorkerHarness.job("patience " + i + " [sim:latency=4000]");
                jobs.add(job);
                sent.add(harness.send(job));
            }
            for (var job : jobs) {
                harness.awaitStatus(job.jobId(), JobStatus.PROCESSING);
            }
            sent.forEach(harness::awaitCommitted);
            assertThat(jobs).allSatisfy(job -> assertThat(harness.media(job.jobId())).isEmpty());
        } finally {
            first.close();
        }
        assertThat(sim.submissions()).isEqualTo(5);

        try (var second = harness.startWorker(sim.baseUrl(), Map.of())) {
            for (var job : jobs) {
                harness.awaitMedia(job.jobId());
            }
            // a marker job sent after the restart and finished proves the queue was drained
            var marker = WorkerHarness.job("marker [sim:latency=0]");
            harness.awaitCommitted(harness.send(marker));
            harness.awaitMedia(marker.jobId());

            for (var job : jobs) {
                assertThat(harness.media(job.jobId())).hasSize(1);
                assertThat(harness.statuses(job.jobId()).stream().filter(s -> s.status() == JobStatus.SUBMITTED)).hasSize(1);
            }
            assertThat(sim.submissions()).isEqualTo(6);
        }
    }
}
