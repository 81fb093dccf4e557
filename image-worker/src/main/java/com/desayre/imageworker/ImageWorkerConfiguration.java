package com.desayre.imageworker;

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

/** The worker kit wired for ModelsLabs: its client, its policies ({@code modelslabs-<model>}), its own table. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ModelsLabSettings.class)
class ImageWorkerConfiguration {
    static final String STAGE = "image-worker";
    /** Threads that record a step's outcome (Postgres, Kafka): a few, whatever the number of jobs. */
    private static final int STEP_THREADS = 4;

    @Bean
    WorkerSettings imageWorkerSettings(Environment environment) {
        return Binder.get(environment).bindOrCreate("desayre.image-worker", WorkerSettings.class);
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService imageWorkerSteps() {
        return Executors.newFixedThreadPool(STEP_THREADS, WorkerThreads.daemons(STAGE + "-step-"));
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService imageWorkerHttp() {
        return Executors.newFixedThreadPool(2, WorkerThreads.daemons(STAGE + "-http-"));
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService imageWorkerTimeouts() {
        return Executors.newSingleThreadScheduledExecutor(WorkerThreads.daemons(STAGE + "-timeout-"));
    }

    @Bean
    ModelsLabClient modelsLabClient(ModelsLabSettings settings, @Qualifier("imageWorkerHttp") ExecutorService http,
                                    @Qualifier("imageWorkerTimeouts") ScheduledExecutorService timeouts) {
        return new ModelsLabClient(settings, new ProviderHttp("ModelsLabs", settings.apiKey(), http, timeouts));
    }

    @Bean
    ProviderPolicies providerPolicies(CircuitBreakerRegistry breakers, TimeLimiterRegistry timeLimiters, RetryRegistry retries,
                                      BulkheadRegistry bulkheads, ModelsLabSettings settings, WorkerSettings worker) {
        var policies = new ProviderPolicies(ModelsLabSettings.PROVIDER, breakers, timeLimiters, retries, bulkheads);
        policies.prepare(settings.models().keySet(), worker.lease(), "desayre.image-worker.lease");
        return policies;
    }

    @Bean
    JobStore jobStore(DatabaseClient db) {
        // one owner id per running worker: leases name it
        return new JobStore(db, "image_worker.image_worker_jobs", STAGE + "-" + UUID.randomUUID());
    }

    @Bean
    JobNotices jobNotices(JobEvents events) {
        return new JobNotices(events, STAGE, Topics.IMAGE_REQUESTED, "ModelsLabs");
    }

    @Bean
    WorkerMetrics workerMetrics(MeterRegistry registry) {
        return new WorkerMetrics(registry, ModelsLabSettings.PROVIDER, "image");
    }

    @Bean
    JobProgress jobProgress(ModelsLabClient client, ProviderPolicies policies, JobStore store, JobNotices notices,
                            WorkerMetrics metrics, ModelsLabSettings settings, WorkerSettings worker,
                            @Qualifier("imageWorkerSteps") ExecutorService steps) {
        return new JobProgress(client, policies, store, notices, metrics, settings, worker, steps);
    }

    @Bean
    JobDispatcher jobDispatcher(JobStore store, JobProgress progress, WorkerSettings worker, WorkerMetrics metrics,
                                @Qualifier("imageWorkerSteps") ExecutorService steps) {
        return new JobDispatcher(STAGE, store, progress, worker, metrics, steps);
    }

    @Bean
    JobIntake jobIntake(JobStore store, JobDispatcher dispatcher, JobProgress progress, JobNotices notices) {
        return new JobIntake(store, dispatcher, progress, notices);
    }
}
