package com.desayre.videoworker;

import com.desayre.contracts.Topics;
import com.desayre.platform.JobEvents;
import com.desayre.workerkit.JobDispatcher;
import com.desayre.workerkit.JobIntake;
import com.desayre.workerkit.JobNotices;
import com.desayre.workerkit.JobProgress;
import com.desayre.workerkit.JobStore;
import com.desayre.workerkit.ProviderHttp;
import com.desayre.workerkit.ProviderPolicies;
import com.desayre.workerkit.WorkerMetrics;
import com.desayre.workerkit.WorkerSettings;
import com.desayre.workerkit.WorkerThreads;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;

/** The worker kit wired for xAI: its client, its policies ({@code xai-<model>}), its own table. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(XaiSettings.class)
class VideoWorkerConfiguration {
    static final String STAGE = "video-worker";
    /** Threads that record a step's outcome (Postgres, Kafka): a few, whatever the number of jobs. */
    private static final int STEP_THREADS = 4;

    @Bean
    WorkerSettings videoWorkerSettings(Environment environment) {
        return Binder.get(environment).bindOrCreate("desayre.video-worker", WorkerSettings.class);
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService videoWorkerSteps() {
        return Executors.newFixedThreadPool(STEP_THREADS, WorkerThreads.daemons(STAGE + "-step-"));
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService videoWorkerHttp() {
        return Executors.newFixedThreadPool(2, WorkerThreads.daemons(STAGE + "-http-"));
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService videoWorkerTimeouts() {
        return Executors.newSingleThreadScheduledExecutor(WorkerThreads.daemons(STAGE + "-timeout-"));
    }

    @Bean
    XaiClient xaiClient(XaiSettings settings, @Qualifier("videoWorkerHttp") ExecutorService http,
                        @Qualifier("videoWorkerTimeouts") ScheduledExecutorService timeouts) {
        return new XaiClient(settings, new ProviderHttp("xAI", settings.apiKey(), http, timeouts));
    }

    @Bean
    ProviderPolicies providerPolicies(CircuitBreakerRegistry breakers, TimeLimiterRegistry timeLimiters, RetryRegistry retries,
                                      BulkheadRegistry bulkheads, XaiSettings settings, WorkerSettings worker) {
        var policies = new ProviderPolicies(XaiSettings.PROVIDER, breakers, timeLimiters, retries, bulkheads);
        policies.prepare(settings.models().keySet(), worker.lease(), "desayre.video-worker.lease");
        return policies;
    }

    @Bean
    JobStore jobStore(DatabaseClient db) {
        // one owner id per running worker: leases name it
        return new JobStore(db, "video_worker.video_worker_jobs", STAGE + "-" + UUID.randomUUID());
    }

    @Bean
    JobNotices jobNotices(JobEvents events) {
        return new JobNotices(events, STAGE, Topics.VIDEO_REQUESTED, "xAI");
    }

    @Bean
    WorkerMetrics workerMetrics(MeterRegistry registry) {
        return new WorkerMetrics(registry, XaiSettings.PROVIDER, "video");
    }

    @Bean
    JobProgress jobProgress(XaiClient client, ProviderPolicies policies, JobStore store, JobNotices notices,
                            WorkerMetrics metrics, XaiSettings settings, WorkerSettings worker,
                            @Qualifier("videoWorkerSteps") ExecutorService steps) {
        return new JobProgress(client, policies, store, notices, metrics, settings, worker, steps);
    }

    @Bean
    JobDispatcher jobDispatcher(JobStore store, JobProgress progress, WorkerSettings worker, WorkerMetrics metrics,
                                @Qualifier("videoWorkerSteps") ExecutorService steps) {
        return new JobDispatcher(STAGE, store, progress, worker, metrics, steps);
    }

    @Bean
    JobIntake jobIntake(JobStore store, JobDispatcher dispatcher, JobProgress progress, JobNotices notices) {
        return new JobIntake(store, dispatcher, progress, notices);
    }
}
