package com.desayre.workerkit;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.LaneSwitched;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Topics;
import com.desayre.platform.CompactedTopic;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Which of this worker service's lanes are paused, read by every instance from
 * {@link Topics#LANE_SWITCHES} from the beginning (no consumer group), so an instance started
 * after a pause obeys it too. Until it has read the whole topic an instance sends no waiting job
 * at all: it cannot know yet whether the job's lane is paused.
 */
public class LaneSwitches implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(LaneSwitches.class);

    private final String service;
    private final Map<String, Object> kafka;
    private final Set<Priority> paused = ConcurrentHashMap.newKeySet();
    private volatile CompactedTopic topic;

    /**
     * @param service the worker service whose switches count, e.g. {@code image-worker}
     * @param kafka   Kafka client settings ({@code bootstrap.servers} …)
     */
    public LaneSwitches(String service, Map<String, Object> kafka) {
        this.service = service;
        this.kafka = kafka;
    }

    /** The lanes whose waiting jobs may be sent now: none before every switch is known. */
    Set<Priority> sendable() {
        var current = topic;
        if (current == null || !current.caughtUp()) {
            return Set.of();
        }
        var lanes = EnumSet.allOf(Priority.class);
        lanes.removeAll(paused);
        return lanes;
    }

    /** The lanes paused now, in lane order. */
    List<Priority> paused() {
        return EnumSet.allOf(Priority.class).stream().filter(paused::contains).toList();
    }

    boolean known() {
        var current = topic;
        return current != null && current.caughtUp();
    }

    private void apply(String key, byte[] value) {
        for (var lane : Priority.values()) {
            if (!key.equals(LaneSwitched.key(service, lane))) {
                continue;
            }
            var switched = value == null ? null : EventJson.read(value, LaneSwitched.class);
            boolean pause = switched != null && switched.paused();
            if (pause ? paused.add(lane) : paused.remove(lane)) {
                log.info("{} lane {} by {}{}", pause ? "Paused" : "Resumed", lane,
                        switched == null ? "a tombstone" : switched.requestedBy(),
                        switched == null || switched.reason() == null ? "" : ": " + switched.reason());
            }
        }
    }

    @Override
    public void start() {
        topic = CompactedTopic.follow(Topics.LANE_SWITCHES, kafka, this::apply);
    }

    @Override
    public void stop() {
        var current = topic;
        if (current != null) {
            current.close();
        }
        topic = null;
    }

    @Override
    public boolean isRunning() {
        return topic != null;
    }

    @Override
    public int getPhase() {
        // before the dispatcher starts, after it stops
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }
}
