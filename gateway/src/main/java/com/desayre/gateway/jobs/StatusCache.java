package com.desayre.gateway.jobs;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.gateway.messaging.RequestTraces;
import com.desayre.platform.JobTrace;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Each job's latest status in Redis, for fast reads and for the first event of a late SSE
 * subscriber. Every gateway instance writes every status, so the write is a script that applies
 * a status only when the state machine allows the move from the one held: atomic, and never backwards.
 */
@Component
public class StatusCache {
    private static final RedisScript<Long> APPLY_IF_LEGAL = RedisScript.of("""
            local current = redis.call('HGET', KEYS[1], 'status')
            if current and not string.find(',' .. ARGV[3] .. ',', ',' .. current .. ',', 1, true) then
              return 0
            end
            redis.call('HSET', KEYS[1], 'status', ARGV[1], 'json', ARGV[2])
            if ARGV[5] ~= '' then
              redis.call('HSETNX', KEYS[1], 'trace', ARGV[5])
            end
            redis.call('EXPIRE', KEYS[1], ARGV[4])
            return 1
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final GatewaySettings settings;

    StatusCache(ReactiveStringRedisTemplate redis, GatewaySettings settings) {
        this.redis = redis;
        this.settings = settings;
    }

    /**
     * Applies the status if it is a legal move; true when it was applied. The job's trace id is kept beside it (the
     * first one seen: the request's, on QUEUED), from the thread that offers (a status record's consumer resumed the
     * record's trace) or else the request that offers ({@link RequestTraces}).
     */
    public Mono<Boolean> offer(StatusChanged event) {
        var legalFrom = event.status().legalPredecessors().stream().map(JobStatus::name).collect(Collectors.joining(","));
        var json = new String(EventJson.write(event), java.nio.charset.StandardCharsets.UTF_8);
        var threadTrace = JobTrace.traceId();
        return Mono.deferContextual(context -> {
                    var trace = threadTrace != null ? threadTrace : RequestTraces.traceId(context);
                    return redis.execute(APPLY_IF_LEGAL, List.of(key(event.jobId())), List.of(event.status().name(), json, legalFrom,
                            String.valueOf(settings.statusTtl().toSeconds()), trace == null ? "" : trace)).next();
                })
                .map(applied -> applied == 1L);
    }

    /** Drops a job's cached status: a job the gateway cached as QUEUED but Kafka then refused. */
    public Mono<Void> forget(String jobId) {
        return redis.delete(key(jobId)).then();
    }

    /** The job's trace id, if the cache knows it. */
    Mono<String> traceId(String jobId) {
        return redis.<String, String>opsForHash().get(key(jobId), "trace");
    }

    Mono<StatusChanged> latest(String jobId) {
        return redis.<String, String>opsForHash().get(key(jobId), "json")
                .map(json -> EventJson.read(json, StatusChanged.class));
    }

    private static String key(String jobId) {
        return "desayre:job:" + jobId;
    }
}
