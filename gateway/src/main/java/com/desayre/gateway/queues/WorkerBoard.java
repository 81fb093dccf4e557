package com.desayre.gateway.queues;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.LaneSwitched;
import com.desayre.contracts.Topics;
import com.desayre.contracts.WorkerHeartbeat;
import com.desayre.platform.CompactedTopic;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * What the workers say about themselves, as this gateway instance last heard it: the latest
 * {@link WorkerHeartbeat} per worker instance and the latest {@link LaneSwitched} per service and
 * lane, each read from its compacted topic from the beginning with no consumer group (every
 * gateway instance knows everything). An instance that stopped cleanly, or was not heard from
 * for a while, is shown as such rather than dropped, so a crash is visible.
 */
@Component
class WorkerBoard implements SmartLifecycle {
    /** The worker services whose lanes can be paused. */
    static final String IMAGE_WORKER = "image-worker";
    static final String VIDEO_WORKER = "video-worker";
    static final List<String> SERVICES = List.of(IMAGE_WORKER, VIDEO_WORKER);

    private final Map<String, Object> kafka;
    private final QueueSettings settings;
    private final Map<String, WorkerHeartbeat> heartbeats = new ConcurrentHashMap<>();
    private final Map<String, LaneSwitched> switches = new ConcurrentHashMap<>();
    private volatile CompactedTopic heartbeatTopic;
    private volatile CompactedTopic switchTopic;

    WorkerBoard(KafkaProperties kafka, QueueSettings settings) {
        var config = new HashMap<>(kafka.buildConsumerProperties());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.kafka = config;
        this.settings = settings;
    }

    /** One worker instance as last heard, with how fresh that is. */
    record Instance(String state, Duration silentFor, WorkerHeartbeat heartbeat) {
    }

    /** Every instance heard from, by service then instance id; {@code state} is live, stale, stopped or gone. */
    List<Instance> instances(Instant now) {
        return heartbeats.values().stream()
                .sorted(Comparator.comparing(WorkerHeartbeat::service).thenComparing(WorkerHeartbeat::instanceId))
                .map(beat -> instance(beat, now))
                .toList();
    }

    /**
     * The latest heartbeat of a live instance of {@code service}: what it says of the service's shared queue
     * (waiting jobs per lane) is the freshest word on it. Empty when no instance is live. In memory only.
     */
    Optional<WorkerHeartbeat> freshestLive(String service, Instant now) {
        WorkerHeartbeat freshest = null;
        for (var beat : heartbeats.values()) {
            if (beat.service().equals(service) && instance(beat, now).state().equals("live")
                    && (freshest == null || beat.occurredAt().isAfter(freshest.occurredAt()))) {
                freshest = beat;
            }
        }
        return Optional.ofNullable(freshest);
    }

    private Instance instance(WorkerHeartbeat beat, Instant now) {
        var silent = Duration.between(beat.occurredAt(), now);
        if (silent.isNegative()) {
            silent = Duration.ZERO;
        }
        String state;
        if (beat.stopping()) {
            state = "stopped";
        } else if (silent.compareTo(settings.goneAfter()) > 0) {
            state = "gone";
        } else if (silent.toMillis() > beat.everyMillis() * settings.staleAfter()) {
            state = "stale";
        } else {
            state = "live";
        }
        return new Instance(state, silent, beat);
    }

    /** The lane switches in force, by {@code <service>/<LANE>}. */
    Map<String, LaneSwitched> switches() {
        return Map.copyOf(switches);
    }

    /** Whether both topics have been read to where they ended when this gateway started. */
    boolean caughtUp() {
        var beats = heartbeatTopic;
        var lanes = switchTopic;
        return beats != null && beats.caughtUp() && lanes != null && lanes.caughtUp();
    }

    private void heartbeat(String instanceId, byte[] value) {
        if (value == null) {
            heartbeats.remove(instanceId);
            return;
        }
        var beat = EventJson.read(value, WorkerHeartbeat.class);
        heartbeats.merge(instanceId, beat, (held, fresh) -> fresh.occurredAt().isBefore(held.occurredAt()) ? held : fresh);
    }

    private void laneSwitch(String key, byte[] value) {
        if (value == null) {
            switches.remove(key);
            return;
        }
        switches.put(key, EventJson.read(value, LaneSwitched.class));
    }

    @Override
    public void start() {
        heartbeatTopic = CompactedTopic.follow(Topics.WORKER_HEARTBEATS, kafka, this::heartbeat);
        switchTopic = CompactedTopic.follow(Topics.LANE_SWITCHES, kafka, this::laneSwitch);
    }

    @Override
    public void stop() {
        for (var topic : new CompactedTopic[] {heartbeatTopic, switchTopic}) {
            if (topic != null) {
                topic.close();
            }
        }
        heartbeatTopic = null;
        switchTopic = null;
    }

    @Override
    public boolean isRunning() {
        return heartbeatTopic != null;
    }
}
