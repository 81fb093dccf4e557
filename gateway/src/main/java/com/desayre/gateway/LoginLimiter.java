package com.desayre.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Limits failed sign-ins per account and per client address, in fixed windows kept in Redis
 * so every gateway instance counts together.
 *
 * <p>Each attempt first <em>reserves</em> one failure on both counters in one atomic script
 * (refused, with the time left, once either is at its limit), and a successful sign-in hands
 * its reservation back. So only failures count, and concurrent guesses cannot slip past the
 * limit between a check and an increment. The account counter is keyed by a hash of the
 * username, known or not, so the answer does not reveal which accounts exist.
 *
 * <p>If Redis does not answer, each instance limits on its own in memory (with the same
 * limits) rather than letting guesses through or refusing every sign-in.
 */
@Component
class LoginLimiter {
    private static final Logger log = LoggerFactory.getLogger(LoginLimiter.class);
    private static final String PREFIX = "desayre:auth:login-failures:";
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);

    // KEYS: account counter, address counter. ARGV: account limit, address limit, window ms.
    // Answers 0 when the attempt may go ahead (one failure reserved on both), else the ms to wait.
    private static final RedisScript<Long> RESERVE = RedisScript.of("""
            local wait = 0
            for i, key in ipairs(KEYS) do
              local count = tonumber(redis.call('GET', key) or '0')
              if count >= tonumber(ARGV[i]) then
                local ttl = redis.call('PTTL', key)
                if ttl < 0 then
                  redis.call('PEXPIRE', key, ARGV[3])
                  ttl = tonumber(ARGV[3])
                end
                if ttl > wait then wait = ttl end
              end
            end
            if wait > 0 then return wait end
            for _, key in ipairs(KEYS) do
              if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[3]) end
            end
            return 0
            """, Long.class);

    // Hands a reservation back (a successful sign-in is not a failure).
    private static final RedisScript<Long> RELEASE = RedisScript.of("""
            for _, key in ipairs(KEYS) do
              local count = tonumber(redis.call('GET', key) or '0')
              if count > 0 then redis.call('DECR', key) end
            end
            return 0
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final AuthSettings.LoginLimits limits;
    private final Map<String, Window> local = new ConcurrentHashMap<>();

    LoginLimiter(ReactiveStringRedisTemplate redis, AuthSettings settings) {
        this.redis = redis;
        this.limits = settings.login();
    }

    /** Empty when the attempt may go ahead (and counts as a failure until {@link #succeeded}), else how long to wait. */
    Mono<Optional<Duration>> reserve(String username, String address) {
        var keys = keys(username, address);
        return redis.execute(RESERVE, keys, List.of(String.valueOf(limits.perAccount()), String.valueOf(limits.perIp()),
                        String.valueOf(limits.window().toMillis())))
                .next()
                .timeout(REDIS_TIMEOUT)
                .map(wait -> wait > 0 ? Optional.of(Duration.ofMillis(wait)) : Optional.<Duration>empty())
                .onErrorResume(e -> {
                    log.warn("Sign-in limits: Redis did not answer ({}); limiting on this instance only", e.toString());
                    return Mono.just(reserveLocally(keys));
                });
    }

    Mono<Void> succeeded(String username, String address) {
        var keys = keys(username, address);
        keys.forEach(this::releaseLocally);
        return redis.execute(RELEASE, keys, List.of()).then().timeout(REDIS_TIMEOUT).onErrorResume(e -> Mono.empty());
    }

    private List<String> keys(String username, String address) {
        return List.of(PREFIX + "account:" + sha256(AccountRules.normalize(username)), PREFIX + "ip:" + address);
    }

    private synchronized Optional<Duration> reserveLocally(List<String> keys) {
        var now = System.currentTimeMillis();
        local.values().removeIf(window -> window.endsAt() <= now);
        var limitsByKey = List.of(limits.perAccount(), limits.perIp());
        long wait = 0;
        for (int i = 0; i < keys.size(); i++) {
            var window = local.get(keys.get(i));
            if (window != null && window.count() >= limitsByKey.get(i)) {
                wait = Math.max(wait, window.endsAt() - now);
            }
        }
        if (wait > 0) {
            return Optional.of(Duration.ofMillis(wait));
        }
        for (var key : keys) {
            local.merge(key, new Window(1, now + limits.window().toMillis()), (old, one) -> new Window(old.count() + 1, old.endsAt()));
        }
        return Optional.empty();
    }

    private synchronized void releaseLocally(String key) {
        local.computeIfPresent(key, (k, window) -> window.count() <= 1 ? null : new Window(window.count() - 1, window.endsAt()));
    }

    private record Window(int count, long endsAt) {
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
