package com.desayre.workerkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.ControlRequested;
import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.MediaReady;
import com.desayre.contracts.PriceList;
import com.desayre.contracts.CostIncurred;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Route;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.testsupport.TestServers;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * worker-kit's step machine, wired as {@link WorkerKitConfiguration} wires it but without Spring or
 * Kafka: the real {@link JobStore} on the test kit's PostgreSQL (a database per test class, its
 * table made by the image-worker's own migrations), real Resilience4j instances, a scripted
 * {@link ProviderClient} and an in-memory {@link JobNotices.Outbox}. Steps run on the calling
 * thread: a test claims due jobs and advances them itself ({@link #step()}), so nothing runs
 * behind its back.
 */
final class StepMachine {
    static final String MODEL = "nano-banana-pro";
    static final String TABLE = "image_worker.image_worker_jobs";
    static final int MAX_ATTEMPTS = 3;
    /** Calls the breaker needs before it judges: more than one job's attempts, so one failing job never opens it. */
    static final int BREAKER_CALLS = 4;
    /** Places in the provider's queue (the account bulkhead). */
    static final int PLACES = 2;
    /** How long an open breaker stays open: parked jobs look again after it. */
    static final Duration OPEN_FOR = Duration.ofMinutes(1);
    /** The slow interval a late job is polled at. */
    static final Duration POLL_MAX = Duration.ofMinutes(1);

    /** The kit has no table of its own: each worker migrates one of this shape. The image-worker's scripts are the reference. */
    private static final Path MIGRATIONS = Path.of("..", "image-worker", "src", "main", "resources", "db", "image-worker");

    final String database;
    final DatabaseClient db;
    final ScriptedProvider provider = new ScriptedProvider();
    final Outbox outbox = new Outbox();
    final CircuitBreakerRegistry breakers;
    final ProviderPolicies policies;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final WorkerMetrics metrics = new WorkerMetrics(meters, "testprovider", "image");
    final JobNotices notices = new JobNotices(outbox, "image-worker", Topics.IMAGE_REQUESTED, "TestProvider");
    /** An image at {@link #MODEL} costs {@link #PRICE_MICROS}, since long ago. */
    static final long PRICE_MICROS = 134_000;
    static final PriceList PRICES = new PriceList("USD", Map.of(MODEL, List.of(new PriceList.Price(java.time.LocalDate.of(2020, 1, 1),
            new java.math.BigDecimal("0.134"), null, null))));
    final CostLedger ledger = new CostLedger(outbox, PRICES, "TestProvider");
    final JobStore store;
    final JobProgress progress;
    final JobIntake intake;
    final WaitingLine line;
    final Duration lease;

    /** A machine whose provider deadline is {@code deadline} and which does not resend a submit of unknown outcome. */
    StepMachine(String name, Duration deadline) {
        this(name, deadline, false, Duration.ofSeconds(30));
    }

    StepMachine(String name, Duration deadline, boolean resubmitUnknownOutcome, Duration lease) {
        this.database = name + "_" + Long.toHexString(System.nanoTime());
        this.lease = lease;
        migrate(database);
        var postgres = TestServers.postgres();
        var options = ConnectionFactoryOptions.parse(postgres.r2dbcUrl(database)).mutate()
                .option(ConnectionFactoryOptions.USER, postgres.username())
                .option(ConnectionFactoryOptions.PASSWORD, postgres.password())
                .build();
        this.db = DatabaseClient.create(ConnectionFactories.get(options));
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(4).minimumNumberOfCalls(BREAKER_CALLS).failureRateThreshold(50)
                .waitDurationInOpenState(OPEN_FOR).build());
        // no backoff: a retried job is due again at once, so a test need not wait for it
        var retries = RetryRegistry.of(RetryConfig.custom().maxAttempts(MAX_ATTEMPTS).waitDuration(Duration.ZERO).build());
        var bulkheads = BulkheadRegistry.of(BulkheadConfig.custom().maxConcurrentCalls(PLACES).maxWaitDuration(Duration.ZERO).build());
        this.policies = new ProviderPolicies("testprovider", breakers, TimeLimiterRegistry.ofDefaults(), retries, bulkheads);
        this.store = new JobStore(db, TABLE, "test-" + UUID.randomUUID());
        var settings = new WorkerSettings(Duration.ofMillis(50), 8, 8, lease, Duration.ofSeconds(1), Duration.ofHours(1),
                resubmitUnknownOutcome, null, 0, null, null);
        var timing = new Timing(deadline, Duration.ofHours(24), Duration.ZERO, POLL_MAX, Duration.ofSeconds(30));
        this.progress = new JobProgress(provider, policies, store, notices, ledger, metrics, timing, settings, Runnable::run);
        var lanes = new LaneSwitches("image-worker", Map.of());
        this.line = new WaitingLine(store, notices, metrics, lanes, Duration.ofSeconds(5), settings.tick());
        var dispatcher = new JobDispatcher("image-worker", store, progress, settings, metrics, lanes, line, Runnable::run);
        // no binder here: the tests hand the intake jobs, not polls (its polls are the workers' ITs')
        this.intake = new JobIntake(store, dispatcher, progress, notices, null, Topics.dlq(Topics.IMAGE_REQUESTED), () -> null);
    }

    private static void migrate(String database) {
        var postgres = TestServers.postgres();
        postgres.createDatabase(database);
        List<Path> scripts;
        try (var files = Files.list(MIGRATIONS)) {
            scripts = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted(Comparator.comparingInt(f -> Integer.parseInt(f.getFileName().toString().replaceAll("^V(\\d+)__.*", "$1"))))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("the image-worker's migrations are not at " + MIGRATIONS.toAbsolutePath(), e);
        }
        assertThat(scripts).as("the image-worker's migrations").isNotEmpty();
        try (var connection = postgres.dataSource(database).getConnection(); var statement = connection.createStatement()) {
            statement.execute("create schema image_worker; set search_path to image_worker");
            for (var script : scripts) {
                statement.execute(Files.readString(script));
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot make the worker table in " + database, e);
        }
    }

    static EncodedJob job() {
        return job(null, Instant.now());
    }

    /** An image job that entered DESAYRE at {@code occurredAt}, allowed to wait {@code maxWaitSeconds} (null: no limit). */
    static EncodedJob job(Integer maxWaitSeconds, Instant occurredAt) {
        return job(Priority.INTERACTIVE, maxWaitSeconds, occurredAt);
    }

    static EncodedJob job(Priority lane) {
        return job(lane, null, Instant.now());
    }

    private static EncodedJob job(Priority lane, Integer maxWaitSeconds, Instant occurredAt) {
        var spec = new JobSpec("alice", JobKind.IMAGE, "a lighthouse at dusk", "1:1", 1024, 1024, 7L, null, true,
                lane, null, null, null, maxWaitSeconds);
        var id = UUID.randomUUID().toString();
        return new EncodedJob(EncodedJob.SCHEMA_VERSION, UUID.randomUUID().toString(), id, occurredAt, spec,
                new Route("testprovider", MODEL, lane), "encoded: a lighthouse at dusk", null, "test");
    }

    /** The job as a Kafka record brings it (partition 1, offset 42). */
    void accept(EncodedJob job) {
        accept(List.of(job));
    }

    /** Jobs as one poll brings them, in this order (partition 1, offsets from 42), their records in the current trace. */
    void accept(List<EncodedJob> jobs) {
        var polled = new java.util.ArrayList<JobIntake.Polled>();
        for (int i = 0; i < jobs.size(); i++) {
            polled.add(new JobIntake.Polled(i, new JobStore.Arrival(jobs.get(i), 1, 42L + i, 1_700_000_000_000L,
                    com.desayre.platform.JobTrace.traceparent())));
        }
        var failure = intake.record(polled);
        if (failure != null) {
            throw failure.cause();
        }
    }

    void cancel(String jobId) {
        intake.control(ControlRequested.of(jobId, ControlRequested.Action.CANCEL, "alice", "alice"));
    }

    /** Claims every job due now (as the dispatcher does) and advances each one step; the rows claimed. */
    List<JobRow> step() {
        var rows = store.claimDue(8, lease, progress.submitSlots(), EnumSet.allOf(Priority.class));
        for (var row : rows) {
            progress.advance(row).join();
        }
        return rows;
    }

    /** The job's row as Postgres holds it now. */
    Map<String, Object> row(String jobId) {
        return db.sql("select state, attempts, polls, parked, provider_id, error_code, failure, late_told,"
                        + " (extract(epoch from next_at - updated_at) * 1000)::bigint as next_in_ms,"
                        + " (extract(epoch from deadline_at - accepted_at) * 1000)::bigint as deadline_ms"
                        + " from " + TABLE + " where job_id = :id")
                .bind("id", jobId).fetch().one().block(Duration.ofSeconds(10));
    }

    String state(String jobId) {
        return (String) row(jobId).get("state");
    }

    long rows() {
        return db.sql("select count(*) as n from " + TABLE).map((r, m) -> r.get("n", Long.class)).one()
                .block(Duration.ofSeconds(10));
    }

    CircuitBreaker breaker() {
        return policies.breaker(MODEL);
    }

    /** Places free in the provider's queue. */
    int placesFree() {
        return progress.submitSlots();
    }

    record Timing(Duration deadline, Duration providerRetention, Duration pollMin, Duration pollMax, Duration etaCap)
            implements JobTiming {
        @Override
        public Duration deadlineOf(String model) {
            return deadline;
        }
    }

    /**
     * What the kit sent, in order, with the trace current as it was sent (what the Kafka producer's
     * {@code TraceparentProducerInterceptor} puts on the record).
     */
    record Sent(String topic, String key, Object event, Map<String, ?> headers, String traceparent) {
    }

    static final class Outbox implements JobNotices.Outbox {
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        /** Set: the next send to this topic fails (the broker away, or the worker dying before it could send). */
        volatile String failNextOn;

        @Override
        public void send(String topic, String key, Object event, Map<String, ?> headers) {
            if (topic.equals(failNextOn)) {
                failNextOn = null;
                throw new IllegalStateException("no broker for " + topic);
            }
            sent.add(new Sent(topic, key, event, Map.copyOf(headers), com.desayre.platform.JobTrace.traceparent()));
        }

        List<StatusChanged> statuses(String jobId) {
            return sent.stream().filter(s -> s.topic().equals(Topics.STATUS) && s.key().equals(jobId))
                    .map(s -> (StatusChanged) s.event()).toList();
        }

        List<JobStatus> statusesOf(String jobId) {
            return statuses(jobId).stream().map(StatusChanged::status).toList();
        }

        StatusChanged last(String jobId) {
            var all = statuses(jobId);
            assertThat(all).as("statuses of %s", jobId).isNotEmpty();
            return all.get(all.size() - 1);
        }

        List<Sent> on(String topic) {
            return sent.stream().filter(s -> s.topic().equals(topic)).toList();
        }

        /** The ledger entries sent for a job, in order (repeats included: the projection keeps one per entry id). */
        List<CostIncurred> ledger(String jobId) {
            return on(Topics.LEDGER).stream().filter(s -> s.key().equals(jobId)).map(s -> (CostIncurred) s.event()).toList();
        }

        List<MediaReady> results() {
            return on(Topics.MEDIA_READY).stream().map(s -> (MediaReady) s.event()).toList();
        }
    }

    /**
     * A provider that answers what the test scripted, in order: submits in the order they come, polls
     * per provider id. A call nobody scripted fails the test. A scripted answer may be a future the
     * test completes later (a call still under way).
     */
    static final class ScriptedProvider implements ProviderClient {
        private final Deque<Supplier<CompletableFuture<ProviderAnswer>>> submits = new ArrayDeque<>();
        private final Map<String, Deque<Supplier<CompletableFuture<ProviderAnswer>>>> polls = new java.util.HashMap<>();
        final List<String> submitted = new CopyOnWriteArrayList<>();
        final List<String> polled = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "TestProvider";
        }

        @Override
        public String makes() {
            return "image";
        }

        ScriptedProvider onSubmit(ProviderAnswer answer) {
            return onSubmit(CompletableFuture.completedFuture(answer));
        }

        ScriptedProvider onSubmit(ProviderFailure failure) {
            return onSubmit(CompletableFuture.failedFuture(failure));
        }

        synchronized ScriptedProvider onSubmit(CompletableFuture<ProviderAnswer> answer) {
            submits.add(() -> answer);
            return this;
        }

        /** The next poll of the answer's provider id. */
        ScriptedProvider onPoll(ProviderAnswer answer) {
            return onPoll(answer.providerId(), CompletableFuture.completedFuture(answer));
        }

        ScriptedProvider onPoll(String providerId, ProviderFailure failure) {
            return onPoll(providerId, CompletableFuture.failedFuture(failure));
        }

        synchronized ScriptedProvider onPoll(String providerId, CompletableFuture<ProviderAnswer> answer) {
            polls.computeIfAbsent(providerId, id -> new ArrayDeque<>()).add(() -> answer);
            return this;
        }

        @Override
        public synchronized CompletableFuture<ProviderAnswer> submit(EncodedJob job, TimeLimiter callTimeout) {
            submitted.add(job.jobId());
            var next = submits.poll();
            if (next == null) {
                throw new AssertionError("unexpected submit of " + job.jobId());
            }
            return next.get();
        }

        @Override
        public synchronized CompletableFuture<ProviderAnswer> poll(JobRow row, TimeLimiter callTimeout) {
            polled.add(row.providerId());
            var next = polls.getOrDefault(row.providerId(), new ArrayDeque<>()).poll();
            if (next == null) {
                throw new AssertionError("unexpected poll of " + row.providerId());
            }
            return next.get();
        }
    }
}
