package com.desayre.gateway.jobs;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.gateway.messaging.RequestTraces;
import com.desayre.platform.JobTrace;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
    /** Each status's legal predecessors, as the script compares them: ",QUEUED,ENCODED" without the leading comma. */
    private static final Map<JobStatus, String> LEGAL_FROM = legalFrom();
    /**
     * Applies statuses in their order, each to its own job's hash (KEYS[i]; ARGV: the time to live, then per status its
     * name, JSON, legal predecessors and trace id): one call for a whole poll of the status topic, or for one status. A
     * job's later status in the same call sees the earlier one's write. Answers 1 or 0 per status: applied or refused.
     */
    private static final RedisScript<List> APPLY_IF_LEGAL = RedisScript.of("""
            local applied = {}
            for i, key in ipairs(KEYS) do
              local at = 2 + (i - 1) * 4
              local current = redis.call('HGET', key, 'status')
              if current and not string.find(',' .. ARGV[at + 2] .. ',', ',' .. current .. ',', 1, true) then
                applied[i] = 0
              else
                redis.call('HSET', key, 'status', ARGV[at], 'json', ARGV[at + 1])
                if ARGV[at + 3] ~= '' then
                  redis.call('HSETNX', key, 'trace', ARGV[at + 3])
                end
                redis.call('EXPIRE', key, ARGV[1])
                applied[i] = 1
              end
            end
            return applied
            """, List.class);

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
        var threadTrace = JobTrace.traceId();
        return Mono.deferContextual(context -> {
                    var trace = threadTrace != null ? threadTrace : RequestTraces.traceId(context);
                    return offerAll(List.of(new Offer(event, trace)));
                })
                .map(applied -> applied.get(0));
    }

    /** A status to apply and the trace id to keep beside it if the job has none yet (null for none). */
    record Offer(StatusChanged event, String traceId) { }

    /** Applies the statuses in their order in one Redis call; whether each was applied, in the same order. */
    Mono<List<Boolean>> offerAll(List<Offer> offers) {
        if (offers.isEmpty()) {
            return Mono.just(List.of());
        }
        var keys = new ArrayList<String>(offers.size());
        var args = new ArrayList<String>(1 + 4 * offers.size());
        args.add(String.valueOf(settings.statusTtl().toSeconds()));
        for (var offer : offers) {
            var event = offer.event();
            keys.add(key(event.jobId()));
            args.add(event.status().name());
            args.add(new String(EventJson.write(event), StandardCharsets.UTF_8));
            args.add(LEGAL_FROM.get(event.status()));
            args.add(offer.traceId() == null ? "" : offer.traceId());
        }
        return redis.execute(APPLY_IF_LEGAL, keys, args).next()
                .map(answers -> ((List<?>) answers).stream().map(answer -> answer instanceof Number n && n.longValue() == 1L).toList());
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

    private static Map<JobStatus, String> legalFrom() {
        var legal = new EnumMap<JobStatus, String>(JobStatus.class);
        for (var status : JobStatus.values()) {
            legal.put(status, status.legalPredecessors().stream().map(JobStatus::name).collect(Collectors.joining(",")));
        }
        return legal;
    }

    private static String key(String jobId) {
        return "desayre:job:" + jobId;
    }
}
