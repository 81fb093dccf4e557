package com.desayre.videoworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Route;
import com.desayre.contracts.Topics;
import com.desayre.contracts.WorkerHeartbeat;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A paused lane holds the video-worker's jobs of that lane (never sent to xAI) until it is resumed. */
class VideoLanePauseIT {

    private static EncodedJob job(String prompt, Priority lane) {
        var spec = new JobSpec("tester", JobKind.VIDEO, prompt, "16:9", 1280, 720, null, null, true, lane, null, 2, "480p");
        return EncodedJob.of(UUID.randomUUID().toString(), spec, new Route("xai", VideoHarness.MODEL, lane), prompt, null, "test");
    }

    @Test
    void aPausedBatchLaneSendsNoVideoUntilResumed() {
        try (var sim = ProviderSimulator.start(SimulatorSettings.defaults().withVideoLatency(Duration.ofMillis(300)));
             var harness = new VideoHarness("video_worker_pause");
             var probe = TopicProbe.watch(TestServers.kafka(), Topics.WORKER_HEARTBEATS);
             var worker = harness.startWorker(sim.baseUrl(), Map.of("desayre.video-worker.heartbeat-every", "200ms"))) {
            try {
                harness.switchLane(Priority.BATCH, true);
                await().atMost(Duration.ofSeconds(30)).until(() -> probe.all().stream().filter(r -> r.value() != null)
                        .map(r -> EventJson.read(r.value(), WorkerHeartbeat.class))
                        .anyMatch(h -> h.service().equals("video-worker") && h.lanesKnown()
                                && h.pausedLanes().equals(List.of(Priority.BATCH))));

                var batch = job("a batch of waves", Priority.BATCH);
                harness.send(batch);
                await().atMost(Duration.ofSeconds(30)).until(() -> "QUEUED".equals(harness.row(batch.jobId()).get("state")));
                var person = job("a person's wave", Priority.INTERACTIVE);
                harness.send(person);
                harness.awaitMedia(person.jobId());

                assertThat(harness.statuses(batch.jobId())).noneMatch(s -> s.status() == JobStatus.SUBMITTED);
                assertThat(harness.row(batch.jobId()).get("state")).isEqualTo("QUEUED");
                assertThat(sim.submissions()).isEqualTo(1);

                harness.switchLane(Priority.BATCH, false);

                harness.awaitMedia(batch.jobId());
                assertThat(sim.submissions()).isEqualTo(2);
            } finally {
                // the lane topic is shared by every test in this JVM: never leave the lane paused
                harness.switchLane(Priority.BATCH, false);
            }
        }
    }
}
