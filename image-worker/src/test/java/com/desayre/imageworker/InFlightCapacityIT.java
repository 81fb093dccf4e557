package com.desayre.imageworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobStatus;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Capacity, not correctness (opt in: {@code -Ddesayre.capacity=true}): 1,000 jobs held at a
 * provider that takes 20 s each, by one worker. Prints threads, heap and RSS of the test JVM
 * (which also hosts the broker, the simulator and the harness).
 */
@EnabledIfSystemProperty(named = "desayre.capacity", matches = "true")
class InFlightCapacityIT {
    private static final int JOBS = 1_000;

    @Test
    void oneWorkerHoldsAThousandJobsWithoutAThreadEach() throws Exception {
        try (var sim = ProviderSimulator.start(SimulatorSettings.defaults().withMode(SimulatorSettings.Mode.ASYNC)
                .withLatency(Duration.ofSeconds(20)));
             var harness = new WorkerHarness("image_worker_capacity");
             var worker = harness.startWorker(sim.baseUrl(), Map.of(
                     "resilience4j.bulkhead.instances.modelslabs.max-concurrent-calls", "2000",
                     "desayre.modelslabs.poll-min", "1s", "desayre.modelslabs.poll-max", "10s",
                     "desayre.image-worker.tick", "500ms"))) {
            var threads = ManagementFactory.getThreadMXBean();
            System.gc();
            long threadsBefore = threads.getThreadCount();
            long heapBefore = usedHeap();
            var jobs = new ArrayList<EncodedJob>();
            for (int i = 0; i < JOBS; i++) {
                var job = WorkerHarness.job("capacity " + i);
                jobs.add(job);
                harness.send(job);
            }
            long sent = System.nanoTime();
            await().atMost(Duration.ofSeconds(19)).pollInterval(Duration.ofMillis(200)).until(() ->
                    jobs.stream().allMatch(j -> harness.statuses(j.jobId()).stream().anyMatch(s -> s.status() == JobStatus.PROCESSING)));
            long allAccepted = System.nanoTime();
            System.gc();
            long threadsPeak = threads.getThreadCount();
            long heapPeak = usedHeap();
            String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS")).findFirst().orElse("?");
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    jobs.stream().allMatch(j -> !harness.media(j.jobId()).isEmpty()));
            long allDone = System.nanoTime();
            System.out.printf("CAPACITY jobs=%d accepted-in=%d ms all-done-in=%d ms threads before=%d with-%d-in-flight=%d "
                            + "heap-used before=%d MB in-flight=%d MB %s submissions=%d fetches=%d%n",
                    JOBS, (allAccepted - sent) / 1_000_000, (allDone - sent) / 1_000_000, threadsBefore, JOBS, threadsPeak,
                    heapBefore >> 20, heapPeak >> 20, rss.replaceAll("\\s+", " "), sim.submissions(), sim.fetches());
            assertThat(sim.submissions()).isEqualTo(JOBS);
            assertThat(threadsPeak - threadsBefore).isLessThan(50);
        }
    }

    private static long usedHeap() {
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }
}
