package com.desayre.imageworker;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Route;
import com.desayre.contracts.Topics;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import com.desayre.testsupport.HaltAfterPoll;
import com.desayre.testsupport.TestServers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The intake's crash guarantee, with a real crash: the image-worker runs in a JVM of its own
 * ({@link HaltAfterFirstIntakePoll}) that halts after its intake inserted a poll's jobs and before the poll's offsets
 * were committed. Nothing is lost (the jobs are in Postgres), the poll is delivered again to the restarted worker,
 * which absorbs it (one row per job id): every job is sent to the provider once and completes once.
 */
class IntakeCrashIT {
    private static final Path LOG = Path.of(System.getProperty("java.io.tmpdir"), "intake-crash-test.log");

    @Test
    void aWorkerKilledBetweenItsInsertAndItsCommitLosesNoJobAndDoublesNone() throws Exception {
        try (var sim = ProviderSimulator.start(SimulatorSettings.defaults());
             var harness = new WorkerHarness("image_worker_intake_crash");
             var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers()))) {
            var jobs = new ArrayList<EncodedJob>();
            var sent = new ArrayList<RecordMetadata>();
            for (int i = 0; i < 3; i++) {
                var prompt = "a lighthouse that survives a crash " + i;
                var job = EncodedJob.of(UUID.randomUUID().toString(), WorkerHarness.spec(JobKind.IMAGE, prompt, null),
                        new Route("modelslabs", "nano-banana-pro", Priority.BATCH), prompt, null, "test");
                jobs.add(job);
                sent.add(harness.send(job));
            }
            try {
                // their lane paused: the doomed worker keeps them in line, so only the intake's crash is tested
                harness.switchLane(Priority.BATCH, true);
                crashAndRestart(sim, harness, admin, jobs, sent);
            } finally {
                // the lane topic is shared by every test in this JVM: never leave the lane paused
                harness.switchLane(Priority.BATCH, false);
            }
            assertThat(rows(harness, jobs)).isEqualTo(jobs.size());
            for (var job : jobs) {
                assertThat(harness.media(job.jobId())).as("one result").hasSize(1);
                assertThat(harness.statuses(job.jobId())).filteredOn(s -> s.status() == JobStatus.SUBMITTED).hasSize(1);
                assertThat(harness.statuses(job.jobId())).extracting(s -> s.status()).doesNotContain(JobStatus.FAILED);
            }
            assertThat(sim.submissions()).as("each job sent to the provider once").isEqualTo(jobs.size());
            assertThat(harness.deadLetters(jobs.get(0).jobId())).isEmpty();
        }
    }

    private static void crashAndRestart(ProviderSimulator sim, WorkerHarness harness, Admin admin, List<EncodedJob> jobs,
                                        List<RecordMetadata> sent) throws Exception {
        var crashed = HaltAfterPoll.fork(HaltAfterFirstIntakePoll.class, harness.properties(sim.baseUrl(), Map.of(
                // the dead member leaves the group after its session, not the default 45 s
                "spring.cloud.stream.kafka.bindings.generateImage-in-0.consumer.configuration.session.timeout.ms", "6000",
                "spring.cloud.stream.kafka.bindings.generateImage-in-0.consumer.configuration.heartbeat.interval.ms", "1000")), LOG);
        assertThat(crashed.waitFor(3, TimeUnit.MINUTES)).as("the forked worker halted").isTrue();
        assertThat(crashed.exitValue()).as("halted by HaltAfterPoll (its log: %s)", LOG).isEqualTo(HaltAfterPoll.EXIT);

        // its poll's jobs are in Postgres ...
        var recorded = rows(harness, jobs);
        assertThat(recorded).as("jobs the crashed intake recorded").isPositive();
        // ... and none of their records was committed
        assertThat(sent).allSatisfy(record -> assertThat(committed(admin, harness.group, record)).isLessThanOrEqualTo(record.offset()));
        assertThat(sim.submissions()).isZero();

        harness.switchLane(Priority.BATCH, false);
        try (var restarted = harness.startWorker(sim.baseUrl(), Map.of())) {
            for (var job : jobs) {
                harness.awaitMedia(job.jobId());
            }
            sent.forEach(harness::awaitCommitted);
        }
    }

    /** How many of {@code jobs} the worker's table holds. */
    private static long rows(WorkerHarness harness, List<EncodedJob> jobs) throws Exception {
        try (var connection = TestServers.postgres().dataSource(harness.database).getConnection();
             var statement = connection.prepareStatement("select count(*) from image_worker.image_worker_jobs where job_id = any(?)")) {
            statement.setArray(1, connection.createArrayOf("text", jobs.stream().map(EncodedJob::jobId).toArray()));
            try (var result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** The group's committed offset on the record's partition (where it started: the end before the test sent). */
    private static long committed(Admin admin, String group, RecordMetadata record) throws Exception {
        var offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        var offset = offsets.get(new TopicPartition(Topics.IMAGE_REQUESTED, record.partition()));
        return offset == null ? 0 : offset.offset();
    }
}
