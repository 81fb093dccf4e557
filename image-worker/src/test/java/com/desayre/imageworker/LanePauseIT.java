package com.desayre.imageworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobKind;
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
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An admin's lane pause reaches every image-worker instance through the compacted lane topic,
 * including one started after the pause: the paused lane's jobs are taken off Kafka but not sent
 * until the lane is resumed. Each instance's heartbeat says what it holds back and how its
 * breakers are.
 */
class LanePauseIT {
    private static final Map<String, String> FAST_HEARTBEATS = Map.of(
            "desayre.image-worker.heartbeat-every", "200ms",
            // a model whose breaker two failures open, and keep open for the test
            "desayre.modelslabs.models.fragile-model.job-deadline", "5m",
            "resilience4j.circuitbreaker.instances.modelslabs-fragile-model.sliding-window-size", "2",
            "resilience4j.circuitbreaker.instances.modelslabs-fragile-model.minimum-number-of-calls", "2",
            "resilience4j.circuitbreaker.instances.modelslabs-fragile-model.failure-rate-threshold", "50",
            "resilience4j.circuitbreaker.instances.modelslabs-fragile-model.wait-duration-in-open-state", "10m");

    private static EncodedJob job(String prompt, Priority lane) {
        var spec = WorkerHarness.spec(JobKind.IMAGE, prompt, null);
        return EncodedJob.of(UUID.randomUUID().toString(), spec, new Route("modelslabs", "nano-banana-pro", lane), prompt,
                null, "test");
    }

    private static WorkerHeartbeat latest(TopicProbe probe, String instance) {
        return probe.all().stream()
                .filter(r -> r.topic().equals(Topics.WORKER_HEARTBEATS) && r.value() != null)
                .map(r -> EventJson.read(r.value(), WorkerHeartbeat.class))
                .filter(h -> instance == null || h.instanceId().equals(instance))
                .max(Comparator.comparing(WorkerHeartbeat::occurredAt))
                .orElse(null);
    }

    @Test
    void aPausedLaneWaitsOnEveryInstanceUntilResumed() {
        try (var sim = ProviderSimulator.start(SimulatorSettings.defaults().withMode(SimulatorSettings.Mode.ASYNC)
                .withLatency(Duration.ofMillis(200)));
             var harness = new WorkerHarness("image_worker_pause");
             var probe = TopicProbe.watch(TestServers.kafka(), Topics.WORKER_HEARTBEATS);
             var first = harness.startWorker(sim.baseUrl(), FAST_HEARTBEATS)) {
            try {
                harness.switchLane(Priority.BATCH, true);
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    var beat = latest(probe, null);
                    return beat != null && beat.lanesKnown() && beat.pausedLanes().equals(java.util.List.of(Priority.BATCH));
                });

                var batch = job("a batch render that must wait", Priority.BATCH);
                harness.awaitCommitted(harness.send(batch));
                var person = job("a person is waiting", Priority.INTERACTIVE);
                harness.send(person);
                harness.awaitMedia(person.jobId());
                // the person's job was claimed after the batch job was queued, with room for both
                assertThat(harness.statuses(batch.jobId())).noneMatch(s -> s.status() == JobStatus.SUBMITTED);

                // an instance started after the pause reads it from the topic and holds the lane too
                try (var second = harness.startWorker(sim.baseUrl(), FAST_HEARTBEATS)) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> probe.all().stream()
                            .filter(r -> r.value() != null)
                            .map(r -> EventJson.read(r.value(), WorkerHeartbeat.class))
                            .filter(h -> h.lanesKnown() && h.pausedLanes().contains(Priority.BATCH))
                            .map(WorkerHeartbeat::instanceId).distinct().count() >= 2);
                    var another = job("another person", Priority.INTERACTIVE);
                    harness.send(another);
                    harness.awaitMedia(another.jobId());
                    assertThat(harness.statuses(batch.jobId())).noneMatch(s -> s.status() == JobStatus.SUBMITTED);
                    var waiting = latest(probe, null).waiting();
                    assertThat(waiting.get(Priority.BATCH)).isEqualTo(1L);

                    harness.switchLane(Priority.BATCH, false);

                    harness.awaitMedia(batch.jobId());
                }
                // an instance that stops cleanly says so, so it shows as stopped at once, not as gone later
                await().atMost(Duration.ofSeconds(30)).until(() -> probe.all().stream().filter(r -> r.value() != null)
                        .map(r -> EventJson.read(r.value(), WorkerHeartbeat.class)).anyMatch(WorkerHeartbeat::stopping));
            } finally {
                // the lane topic is shared by every test in this JVM: never leave the lane paused
                harness.switchLane(Priority.BATCH, false);
            }
        }
    }

    @Test
    void theHeartbeatShowsAnOpenBreaker() {
        try (var sim = ProviderSimulator.start(SimulatorSettings.defaults());
             var harness = new WorkerHarness("image_worker_breaker");
             var probe = TopicProbe.watch(TestServers.kafka(), Topics.WORKER_HEARTBEATS);
             var worker = harness.startWorker(sim.baseUrl(), FAST_HEARTBEATS)) {
            var fragile = WorkerHarness.job("fragile-model", "a fragile vase [sim:fail=503] [sim:times=5]");
            harness.send(fragile);

            var open = await().atMost(Duration.ofSeconds(30)).until(() -> probe.all().stream()
                    .filter(r -> r.value() != null)
                    .map(r -> EventJson.read(r.value(), WorkerHeartbeat.class))
                    .filter(h -> h.breakers().stream().anyMatch(b -> b.model().equals("fragile-model") && b.state().equals("OPEN")))
                    .findFirst().orElse(null), h -> h != null);
            assertThat(open.service()).isEqualTo("image-worker");
            assertThat(open.provider()).isEqualTo("modelslabs");
            assertThat(open.breakers()).anySatisfy(b -> {
                assertThat(b.model()).isEqualTo("nano-banana-pro");
                assertThat(b.state()).isEqualTo("CLOSED");
            });
            assertThat(open.breakers()).filteredOn(b -> b.model().equals("fragile-model"))
                    .singleElement().satisfies(b -> assertThat(b.instance()).isEqualTo("modelslabs-fragile-model"));
        }
    }
}
