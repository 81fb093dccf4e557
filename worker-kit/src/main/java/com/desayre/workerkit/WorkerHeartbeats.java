package com.desayre.workerkit;

import com.desayre.contracts.Topics;
import com.desayre.contracts.WorkerHeartbeat;
import com.desayre.platform.JobEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Tells the gateway how this instance is doing: every {@code every} a {@link WorkerHeartbeat} on
 * {@link Topics#WORKER_HEARTBEATS} keyed by the instance id — steps running, places held in the
 * provider's queue, the service's waiting jobs per lane and open jobs per model, paused lanes,
 * and each model's circuit breaker. Facts only the worker knows, so the gateway never guesses them.
 * A clean stop sends one last heartbeat saying so.
 */
public class WorkerHeartbeats implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(WorkerHeartbeats.class);
    private static final Duration LAST_HEARTBEAT_WAIT = Duration.ofSeconds(2);

    private final String service;
    private final String provider;
    private final Set<String> models;
    private final Duration every;
    private final JobStore store;
    private final JobDispatcher dispatcher;
    private final ProviderPolicies policies;
    private final LaneSwitches lanes;
    private final JobEvents events;
    private volatile ScheduledThreadPoolExecutor ticker;

    public WorkerHeartbeats(String service, String provider, Set<String> models, Duration every, JobStore store,
                            JobDispatcher dispatcher, ProviderPolicies policies, LaneSwitches lanes, JobEvents events) {
        this.service = service;
        this.provider = provider;
        this.models = Set.copyOf(models);
        this.every = every;
        this.store = store;
        this.dispatcher = dispatcher;
        this.policies = policies;
        this.lanes = lanes;
        this.events = events;
    }

    WorkerHeartbeat heartbeat(boolean stopping) {
        var queue = policies.accountQueue().getMetrics();
        var breakers = new ArrayList<WorkerHeartbeat.Breaker>();
        for (var model : models.stream().sorted().toList()) {
            var breaker = policies.breaker(model);
            var metrics = breaker.getMetrics();
            breakers.add(new WorkerHeartbeat.Breaker(model, breaker.getName(), breaker.getState().name(), metrics.getFailureRate(),
                    metrics.getNumberOfBufferedCalls(), metrics.getNumberOfNotPermittedCalls()));
        }
        Map<com.desayre.contracts.Priority, Long> waiting;
        Map<String, Long> open;
        try {
            waiting = store.waitingByLane();
            open = store.openByModel();
        } catch (RuntimeException e) {
            // Postgres away: say what this instance knows by itself
            waiting = Map.of();
            open = Map.of();
        }
        return WorkerHeartbeat.of(store.owner(), service, provider, every, dispatcher.stepsRunning(),
                queue.getMaxAllowedConcurrentCalls() - queue.getAvailableConcurrentCalls(), queue.getAvailableConcurrentCalls(),
                waiting, open, lanes.paused(), lanes.known(), breakers, stopping);
    }

    private void send(boolean stopping) {
        try {
            events.send(Topics.WORKER_HEARTBEATS, store.owner(), heartbeat(stopping));
        } catch (RuntimeException e) {
            log.warn("Could not send a heartbeat: {}", e.toString());
        }
    }

    @Override
    public void start() {
        var scheduler = new ScheduledThreadPoolExecutor(1, WorkerThreads.daemons(service + "-heartbeat-"));
        scheduler.scheduleWithFixedDelay(() -> send(false), 0, every.toMillis(), TimeUnit.MILLISECONDS);
        ticker = scheduler;
    }

    @Override
    public void stop() {
        var scheduler = ticker;
        ticker = null;
        if (scheduler == null) {
            return;
        }
        // not shutdownNow(): interrupting a heartbeat being sent only breaks that send
        scheduler.shutdown();
        // the last heartbeat is a courtesy: a stopping worker never waits long for it (Kafka may be gone,
        // and a send then blocks for the producer's max.block.ms); it is sent from a daemon thread
        var last = new Thread(() -> {
            try {
                scheduler.awaitTermination(LAST_HEARTBEAT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            send(true);
        }, service + "-last-heartbeat");
        last.setDaemon(true);
        last.start();
        try {
            last.join(LAST_HEARTBEAT_WAIT.multipliedBy(2).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (last.isAlive()) {
            log.info("Stopped without a last heartbeat (Kafka did not take it in time): the gateway will show this instance as gone");
        }
        scheduler.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return ticker != null;
    }
}
