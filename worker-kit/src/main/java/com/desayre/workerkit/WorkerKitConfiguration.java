package com.desayre.workerkit;

import com.desayre.contracts.Topics;
import com.desayre.platform.DeadLetters;
import com.desayre.platform.JobEvents;
import com.desayre.platform.JobEventsConfiguration;
import com.desayre.platform.MediaLinksConfiguration;
import com.desayre.platform.PricingConfiguration;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The kit wired for one provider: a worker's {@code @Configuration} extends this and says only
 * what differs (its stage, provider, table, input topic, client and timing); the store,
 * dispatcher, policies, notices, metrics and threads are the same for every worker. Of platform, a worker uses
 * job events, the price list (for the cost ledger) and (to hand a provider a source image) signed media links; never the media store or the encoder.
 */
@Import({JobEventsConfiguration.class, MediaLinksConfiguration.class, PricingConfiguration.class})
public abstract class WorkerKitConfiguration {
    /** Threads that record a step's outcome (Postgres, Kafka): a few, whatever the number of jobs. */
    private static final int STEP_THREADS = 4;
    private static final int HTTP_THREADS = 2;

    /** The service, e.g. {@code image-worker}: names its settings ({@code desayre.<stage>.*}), threads and leases. */
    protected abstract String stage();

    /** The provider's id in policy names, e.g. {@code modelslabs} (instances {@code <provider>-<model>}). */
    protected abstract String provider();

    /** The provider as people read it, e.g. {@code ModelsLabs}. */
    protected abstract String providerName();

    /** What the worker makes, for metrics: {@code image} or {@code video}. */
    protected abstract String kind();

    /** The worker's table, schema-qualified. */
    protected abstract String table();

    /** The topic the worker reads jobs from (its DLQ is {@code <topic>.dlq}). */
    protected abstract String inputTopic();

    /**
     * The binding that reads {@link #inputTopic()}, e.g. {@code generateImage-in-0}: a batch binding with native
     * decoding whose error handler is {@link #intakeErrors} (its function hands each poll to {@link JobIntake#accept}).
     */
    protected abstract String intakeBinding();

    protected abstract String apiKey();

    protected abstract Set<String> models();

    protected abstract JobTiming timing();

    protected abstract ProviderClient client(ProviderHttp http);

    @Bean
    WorkerSettings workerSettings(Environment environment, jakarta.validation.Validator validator) {
        return WorkerSettings.bind(environment, stage(), validator);
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService workerSteps() {
        return Executors.newFixedThreadPool(STEP_THREADS, WorkerThreads.daemons(stage() + "-step-"));
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService workerHttp() {
        return Executors.newFixedThreadPool(HTTP_THREADS, WorkerThreads.daemons(stage() + "-http-"));
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService workerTimeouts() {
        return Executors.newSingleThreadScheduledExecutor(WorkerThreads.daemons(stage() + "-timeout-"));
    }

    @Bean
    ProviderClient providerClient(@Qualifier("workerHttp") ExecutorService http,
                                  @Qualifier("workerTimeouts") ScheduledExecutorService timeouts,
                                  org.springframework.beans.factory.ObjectProvider<com.desayre.platform.MediaLinks> links) {
        return client(new ProviderHttp(providerName(), apiKey(), http, timeouts, links.getIfAvailable()));
    }

    @Bean
    ProviderPolicies providerPolicies(CircuitBreakerRegistry breakers, TimeLimiterRegistry timeLimiters, RetryRegistry retries,
                                      BulkheadRegistry bulkheads, WorkerSettings worker) {
        var policies = new ProviderPolicies(provider(), breakers, timeLimiters, retries, bulkheads);
        policies.prepare(models(), worker.lease(), "desayre." + stage() + ".lease");
        return policies;
    }

    @Bean
    JobStore jobStore(DatabaseClient db) {
        // one owner id per running worker: leases name it
        return new JobStore(db, table(), stage() + "-" + UUID.randomUUID());
    }

    @Bean
    JobNotices jobNotices(JobEvents events) {
        return new JobNotices(events, stage(), inputTopic(), providerName());
    }

    @Bean
    CostLedger costLedger(JobEvents events, com.desayre.contracts.PriceList prices) {
        return new CostLedger(events, prices, providerName());
    }

    @Bean
    WorkerMetrics workerMetrics(MeterRegistry registry) {
        return new WorkerMetrics(registry, provider(), kind());
    }

    @Bean
    JobProgress jobProgress(ProviderClient client, ProviderPolicies policies, JobStore store, JobNotices notices, CostLedger ledger,
                            WorkerMetrics metrics, WorkerSettings worker, @Qualifier("workerSteps") ExecutorService steps) {
        return new JobProgress(client, policies, store, notices, ledger, metrics, timing(), worker, steps);
    }

    @Bean
    LaneSwitches laneSwitches(Environment environment) {
        return new LaneSwitches(stage(), kafkaClient(environment));
    }

    @Bean
    JobDispatcher jobDispatcher(JobStore store, JobProgress progress, WorkerSettings worker, WorkerMetrics metrics,
                                LaneSwitches lanes, JobNotices notices, @Qualifier("workerSteps") ExecutorService steps) {
        var line = new WaitingLine(store, notices, metrics, lanes, worker.queueNoticeEvery(), worker.tick());
        return new JobDispatcher(stage(), store, progress, worker, metrics, lanes, line, steps);
    }

    @Bean
    WorkerHeartbeats workerHeartbeats(WorkerSettings worker, JobStore store, JobDispatcher dispatcher, ProviderPolicies policies,
                                      LaneSwitches lanes, JobEvents events) {
        return new WorkerHeartbeats(stage(), provider(), models(), worker.heartbeatEvery(), store, dispatcher, policies, lanes,
                events);
    }

    /** The Kafka the binder uses ({@code spring.kafka.bootstrap-servers}) and any {@code spring.kafka.properties.*}. */
    private static java.util.Map<String, Object> kafkaClient(Environment environment) {
        var client = new java.util.HashMap<String, Object>(Binder.get(environment)
                .bind("spring.kafka.properties", org.springframework.boot.context.properties.bind.Bindable.mapOf(String.class, String.class))
                .orElse(java.util.Map.of()));
        client.put("bootstrap.servers", environment.getProperty("spring.kafka.bootstrap-servers", "localhost:9092"));
        return client;
    }

    @Bean
    JobIntake jobIntake(JobStore store, JobDispatcher dispatcher, JobProgress progress, JobNotices notices, JobEvents events,
                        BindingServiceProperties bindings) {
        return new JobIntake(store, dispatcher, progress, notices, events, Topics.dlq(inputTopic()),
                () -> bindings.getConsumerProperties(intakeBinding()));
    }

    /**
     * The intake binding's error handler ({@code common-error-handler-bean-name: intakeErrors}; the binder's own DLQ
     * would put a whole poll there): its deliveries and back-off, then the one record at fault on the input's DLQ.
     */
    @Bean
    CommonErrorHandler intakeErrors(JobEvents events, BindingServiceProperties bindings) {
        return DeadLetters.errorHandler(events, bindings.getConsumerProperties(intakeBinding()), Topics.dlq(inputTopic()));
    }
}
