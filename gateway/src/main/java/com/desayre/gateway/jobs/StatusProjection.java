package com.desayre.gateway.jobs;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.gateway.limits.GenerationLimits;
import com.desayre.gateway.messaging.JobPublisher;
import com.desayre.platform.JobTrace;
import com.desayre.platform.PolledRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The gateways' shared projection of {@code generation.status}: each job's latest status in the
 * Redis cache, and its in-flight slot freed when it ends. One durable consumer group for all
 * gateway instances ({@code statusProjection-in-0}), offsets committed in Kafka, so a status
 * published while no gateway ran is applied when one starts again. Writes are legal-move only
 * (the cache's script) and releases idempotent, so a redelivery changes nothing.
 *
 * <p>A poll is read at a time and written to Redis in one call ({@link StatusCache#offerAll}): the gateway reads back
 * every QUEUED it publishes, so at load a call per status cost more CPU than anything but the HTTP request itself
 * (docs/performance.md, "Gateway"). A write is waited for, so a committed offset means the cache has the status. While Redis
 * fails, records are not held up (the cache is then only a cache: reads reconcile it with Postgres
 * in {@link JobStatuses}, and limits with the job history in {@link GenerationLimits}): the writes
 * are still tried, without waiting, until one succeeds again.
 *
 * <p>The instance is ready ({@code /actuator/health}) once the group's committed offsets have
 * reached the end offsets the topic had when it started, so it never serves statuses older than
 * what happened while it was away. (The live SSE fan-out is {@link StatusFanout}'s, per instance.)
 */
@Component("statusProjection")
public class StatusProjection implements Consumer<Message<Object>>, HealthIndicator, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(StatusProjection.class);
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(2);
    /** After a failed write, writes go on without being waited for this long. */
    static final Duration UNWAITED_AFTER_FAILURE = Duration.ofSeconds(5);
    private static final Duration CATCH_UP_POLL = Duration.ofMillis(250);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);

    private final StatusCache cache;
    private final UnreadableStatuses unreadable;
    private final GenerationLimits limits;
    private final String group;
    private final Admin admin;
    private final AtomicLong unwaitedUntil = new AtomicLong();
    private final AtomicBoolean caughtUp = new AtomicBoolean();
    private final AtomicLong behind = new AtomicLong(-1);
    private final Disposable catchingUp;
    private Map<TopicPartition, Long> target;
    private Map<TopicPartition, Long> earliest = Map.of();

    StatusProjection(StatusCache cache, UnreadableStatuses unreadable, GenerationLimits limits, KafkaProperties kafka,
                     @Value("${spring.cloud.stream.bindings.statusProjection-in-0.group}") String group) {
        this.cache = cache;
        this.unreadable = unreadable;
        this.limits = limits;
        this.group = group;
        var adminConfig = new HashMap<>(kafka.buildAdminProperties());
        adminConfig.put("request.timeout.ms", (int) KAFKA_TIMEOUT.toMillis());
        adminConfig.put("default.api.timeout.ms", (int) KAFKA_TIMEOUT.toMillis());
        this.admin = Admin.create(adminConfig);
        // a tick that comes while a look is still running is dropped, never queued
        this.catchingUp = Flux.interval(Duration.ZERO, CATCH_UP_POLL)
                .onBackpressureDrop()
                .concatMap(tick -> Mono.fromCallable(this::statusesBehind).subscribeOn(Schedulers.boundedElastic())
                        .onErrorResume(e -> {
                            log.debug("Status projection: could not compare offsets yet: {}", e.toString());
                            return Mono.empty();
                        }), 0)
                .takeUntil(left -> left == 0)
                .subscribe(left -> behind.set(left), e -> { }, this::caughtUp);
    }

    /**
     * A poll of the status topic at a time ({@code batch-mode}): its statuses go to the cache in one Redis call, in
     * their order, and the slots of its ended jobs are freed meanwhile. A record that is not a followable status is
     * counted and passed over; the others still apply. A QUEUED the accepting request already cached (marked
     * {@link JobPublisher#ALREADY_CACHED}) is not written again: the accepting request wrote it before it sent the record.
     */
    @Override
    public void accept(Message<Object> poll) {
        var offers = new ArrayList<StatusCache.Offer>();
        for (var record : PolledRecord.of(poll)) {
            if (record.headers().containsKey(JobPublisher.ALREADY_CACHED)) {
                continue; // a QUEUED the accepting request put into the cache before it sent this record
            }
            try {
                var event = EventJson.read(record.value(), StatusChanged.class);
                UnreadableStatuses.requireFollowable(event);
                offers.add(new StatusCache.Offer(event, JobTrace.traceIdOf(record.traceparent())));
            } catch (RuntimeException e) {
                unreadable.passedOver(UnreadableStatuses.PROJECTION, record.partition(), record.offset(), e);
            }
        }
        if (offers.isEmpty()) {
            return;
        }
        var write = cache.offerAll(offers)
                .and(Flux.fromIterable(offers).flatMap(offer -> limits.release(offer.event())))
                .timeout(WRITE_TIMEOUT);
        if (System.currentTimeMillis() < unwaitedUntil.get()) {
            write.subscribe(null, e -> log.debug("{} statuses not cached: {}", offers.size(), e.toString()));
            return;
        }
        try {
            write.block();
        } catch (RuntimeException e) {
            unwaitedUntil.set(System.currentTimeMillis() + UNWAITED_AFTER_FAILURE.toMillis());
            log.warn("{} statuses (jobs {}…) not cached ({}); reads take them from Postgres meanwhile, and later statuses are not "
                    + "held up", offers.size(), offers.get(0).event().jobId(), e.toString());
        }
    }

    /** Statuses the group has yet to apply of those the topic held when this instance started. */
    private long statusesBehind() throws Exception {
        if (target == null) {
            var partitions = admin.describeTopics(List.of(Topics.STATUS)).allTopicNames()
                    .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(Topics.STATUS).partitions().stream()
                    .map(p -> new TopicPartition(Topics.STATUS, p.partition())).toList();
            // what retention already removed from a partition cannot be waited for: count from its start
            earliest = offsets(partitions, OffsetSpec.earliest());
            target = offsets(partitions, OffsetSpec.latest());
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long left = 0;
        for (var entry : target.entrySet()) {
            var done = committed.get(entry.getKey());
            var from = Math.max(done == null ? 0 : done.offset(), earliest.getOrDefault(entry.getKey(), 0L));
            left += Math.max(0, entry.getValue() - from);
        }
        return left;
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        var request = new HashMap<TopicPartition, OffsetSpec>();
        partitions.forEach(partition -> request.put(partition, spec));
        var result = new HashMap<TopicPartition, Long>();
        admin.listOffsets(request).all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, info) -> result.put(partition, info.offset()));
        return result;
    }

    private void caughtUp() {
        caughtUp.set(true);
        log.info("Status projection caught up with generation.status (group {})", group);
        admin.close(Duration.ofSeconds(1));
    }

    boolean isCaughtUp() {
        return caughtUp.get();
    }

    @Override
    public Health health() {
        if (caughtUp.get()) {
            return Health.up().build();
        }
        var left = behind.get();
        return Health.outOfService().withDetail("statusProjection",
                left < 0 ? "comparing offsets with Kafka" : "catching up: " + left + " statuses to apply").build();
    }

    @Override
    public void destroy() {
        catchingUp.dispose();
        if (!caughtUp.get()) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
