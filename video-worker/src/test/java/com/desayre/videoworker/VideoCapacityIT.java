package com.desayre.videoworker;

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
 * Capacity, not correctness (opt in: {@code -Ddesayre.capacity=true}): one worker holding 5,000
 * videos that take 60 s each at the simulator. Prints threads, heap and RSS of the test JVM (which
 * also hosts the broker, Postgres' client side, the simulator and the probe) and the poll rate the
 * worker puts on the provider, which {@code max-polls-per-second} bounds.
 */
@EnabledIfSystemProperty(named = "desayre.capacity", matches = "true")
class VideoCapacityIT {
    private static final int JOBS = Integer.getInteger("desayre.capacity.videos", 5_000);
    private static final int MAX_POLLS_PER_SECOND = 50;

    @Test
    void oneWorkerHoldsFiveThousandPendingVideosWithoutAThreadEach() throws Exception {
        try (var sim = ProviderSimulator.start(SimulatorSettings.defaults().withVideoLatency(Duration.ofSeconds(60)));
             var harness = new VideoHarness("video_worker_capacity");
             var worker = harness.startWorker(sim.baseUrl(), Map.of(
                     "desayre.xai.poll-min", "5s", "desayre.xai.poll-max", "20s",
                     "desayre.video-worker.tick", "500ms", "desayre.video-worker.progress-every", "15s",
                     "desayre.video-worker.max-polls-per-second", Integer.toString(MAX_POLLS_PER_SECOND),
                     "desayre.xai.job-deadline", "15m",
                     "resilience4j.timelimiter.configs.default.timeout-duration", "30s",
                     "resilience4j.timelimiter.instances.xai-fetch.timeout-duration", "15s",
                     "desayre.video-worker.lease", "2m"))) {
            var threads = ManagementFactory.getThreadMXBean();
            System.gc();
            long threadsBefore = threads.getThreadCount();
            long heapBefore = usedHeap();
            var jobs = new ArrayList<EncodedJob>();
            long start = System.nanoTime();
            for (int i = 0; i < JOBS; i++) {
                var job = VideoHarness.job("capacity " + i);
                jobs.add(job);
                harness.send(job);
            }
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> sim.submissions() >= JOBS);
            long allSubmitted = System.nanoTime();
            // the poll rate once every video is pending: over 30 s
            long fetches = sim.fetches();
            long windowStart = System.nanoTime();
            await().pollDelay(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(31)).until(() -> true);
            double pollsPerSecond = (sim.fetches() - fetches) / ((System.nanoTime() - windowStart) / 1e9);
            System.gc();
            long threadsPeak = threads.getThreadCount();
            long heapPeak = usedHeap();
            String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS")).findFirst().orElse("?");
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2)).until(() ->
                    jobs.stream().allMatch(j -> !harness.media(j.jobId()).isEmpty()));
            long allDone = System.nanoTime();
            System.out.printf("VIDEO CAPACITY videos=%d submitted-in=%d s all-done-in=%d s threads before=%d with-%d-pending=%d "
                            + "heap-used before=%d MB pending=%d MB %s polls/s=%.1f (limit %d) submissions=%d fetches=%d%n",
                    JOBS, (allSubmitted - start) / 1_000_000_000, (allDone - start) / 1_000_000_000, threadsBefore, JOBS,
                    threadsPeak, heapBefore >> 20, heapPeak >> 20, rss.replaceAll("\\s+", " "), pollsPerSecond,
                    MAX_POLLS_PER_SECOND, sim.submissions(), sim.fetches());
            assertThat(sim.submissions()).isEqualTo(JOBS);
            assertThat(threadsPeak - threadsBefore).isLessThan(50);
            // the poll rate is printed, not asserted: a rate is wall-clock time, and this is a measurement
            assertThat(jobs).allSatisfy(j -> assertThat(harness.statusList(j.jobId())).contains(JobStatus.SUBMITTED));
        }
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
