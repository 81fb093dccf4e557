package com.desayre.imageworker;

import com.desayre.platform.JobEvents;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ModelsLabSettings.class, WorkerSettings.class})
class ImageWorkerConfiguration {
    /** Threads that record a step's outcome (Postgres, Kafka): a few, whatever the number of jobs. */
    private static final int STEP_THREADS = 4;

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService imageWorkerSteps() {
        return Executors.newFixedThreadPool(STEP_THREADS, daemons("image-worker-step-"));
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService imageWorkerHttp() {
        return Executors.newFixedThreadPool(2, daemons("image-worker-http-"));
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService imageWorkerTimeouts() {
        return Executors.newSingleThreadScheduledExecutor(daemons("image-worker-timeout-"));
    }

    @Bean
    ModelsLabClient modelsLabClient(ModelsLabSettings settings, @Qualifier("imageWorkerHttp") ExecutorService http,
                                    @Qualifier("imageWorkerTimeouts") ScheduledExecutorService timeouts) {
        return new ModelsLabClient(settings, http, timeouts);
    }

    @Bean
    ProviderPolicies providerPolicies(CircuitBreakerRegistry breakers, TimeLimiterRegistry timeLimiters, RetryRegistry retries,
                                      BulkheadRegistry bulkheads, ModelsLabSettings settings, WorkerSettings worker) {
        var policies = new ProviderPolicies(breakers, timeLimiters, retries, bulkheads);
        for (var model : settings.models().keySet()) {
            // create the instances now, so their metrics exist before the first job
            policies.breaker(model);
            // a lease shorter than a call would let a second worker take a job that is still being sent
            if (worker.lease().compareTo(policies.longestCall(model).plusSeconds(10)) < 0) {
                throw new IllegalStateException("desayre.image-worker.lease (" + worker.lease() + ") must exceed the longest "
                        + "call timeout of " + model + " (" + policies.longestCall(model) + ") by at least 10 s");
            }
        }
        return policies;
    }

    @Bean
    JobStore jobStore(DatabaseClient db) {
        // one owner id per running worker: leases name it
        return new JobStore(db, "image-worker-" + UUID.randomUUID());
    }

    @Bean
    JobNotices jobNotices(JobEvents events) {
        return new JobNotices(events);
    }

    @Bean
    WorkerMetrics workerMetrics(MeterRegistry registry) {
        return new WorkerMetrics(registry);
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
        return new JobDispatcher(store, progress, worker, metrics, steps);
    }

    private static ThreadFactory daemons(String prefix) {
        var n = new AtomicInteger();
        return r -> {
            var thread = new Thread(r, prefix + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
