package com.desayre.gateway.accounts;

import com.desayre.gateway.redis.ScriptAnswers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Throttles failed sign-ins without handing anyone a way to lock an account (OWASP's advice on
 * lockout): counters in fixed windows kept in Redis, so every gateway instance counts together.
 *
 * <ul>
 * <li>per client address, and per (account, address): past their limits, <em>that address</em> is refused
 *     (429) until the window ends — a guesser stops, the owner elsewhere is not affected;</li>
 * <li>per account: never refused, only slowed. After {@code slow-after} failures in the window, each
 *     attempt on the account waits 250 ms, doubling per further failure, at most {@code max-delay}. A
 *     guesser spread over many addresses gets a few guesses a second at most per address and account;
 *     the owner waits at most {@code max-delay} and signs in.</li>
 * </ul>
 *
 * <p>Each attempt first <em>reserves</em> one failure on all three counters in one atomic script, and a
 * successful sign-in hands its reservation back, so only failures count and concurrent guesses cannot
 * slip past a limit between a check and an increment. The account counter is keyed by a hash of the
 * username, known or not, so neither a refusal nor a delay tells whether an account exists.
 *
 * <p>If Redis does not answer, each instance counts on its own in memory (with the same limits) rather
 * than letting guesses through or refusing every sign-in.
 */
@Component
class LoginLimiter {
    private static final Logger log = LoggerFactory.getLogger(LoginLimiter.class);
    private static final String PREFIX = "desayre:auth:login-failures:";
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);
    static final Duration FIRST_DELAY = Duration.ofMillis(250);

    // KEYS: account counter, address counter, (account, address) counter. ARGV: address limit, pair limit, window ms.
    // Answers {ms until the address may try again (0: go ahead, one failure reserved on all three), account failures before}.
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> RESERVE = RedisScript.of("""
            local wait = 0
            for i = 2, 3 do
              local count = tonumber(redis.call('GET', KEYS[i]) or '0')
              if count >= tonumber(ARGV[i - 1]) then
                local ttl = redis.call('PTTL', KEYS[i])
                if ttl < 0 then
                  redis.call('PEXPIRE', KEYS[i], ARGV[3])
                  ttl = tonumber(ARGV[3])
                end
                if ttl > wait then wait = ttl end
              end
            end
            if wait > 0 then return {wait, 0} end
            local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
            for _, key in ipairs(KEYS) do
              if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[3]) end
            end
            return {0, failures}
            """, List.class);

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

    /**
     * What one attempt may do: {@code refusedFor} non-null when this address must wait that long (nothing reserved);
     * otherwise the attempt counts as a failure until {@link #succeeded}, after waiting {@code delay}.
     */
    record Attempt(Duration refusedFor, Duration delay) {
        boolean refused() {
            return refusedFor != null;
        }
    }

    Mono<Attempt> reserve(String username, String address) {
        var keys = keys(username, address);
        return redis.execute(RESERVE, keys, List.of(String.valueOf(limits.perIp()), String.valueOf(limits.perAccountAndIp()),
                        String.valueOf(limits.window().toMillis())))
                .collectList()
                .timeout(REDIS_TIMEOUT)
                .map(ScriptAnswers::longs)
                .map(answer -> attempt(answer.get(0), answer.get(1)))
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

    private Attempt attempt(long waitMs, long accountFailures) {
        return waitMs > 0 ? new Attempt(Duration.ofMillis(waitMs), Duration.ZERO) : new Attempt(null, delay(accountFailures, limits));
    }

    /** The wait before an attempt on an account that failed {@code failures} times in the window: 0, then 250 ms doubling, capped. */
    static Duration delay(long failures, AuthSettings.LoginLimits limits) {
        if (failures < limits.slowAfter()) {
            return Duration.ZERO;
        }
        var doublings = Math.min(failures - limits.slowAfter(), 20);
        var delay = FIRST_DELAY.multipliedBy(1L << doublings);
        return delay.compareTo(limits.maxDelay()) > 0 ? limits.maxDelay() : delay;
    }

    private List<String> keys(String username, String address) {
        var account = sha256(AccountRules.normalize(username));
        return List.of(PREFIX + "account:" + account, PREFIX + "ip:" + address, PREFIX + "account-ip:" + account + ":" + address);
    }

    private synchronized Attempt reserveLocally(List<String> keys) {
        var now = System.currentTimeMillis();
        local.values().removeIf(window -> window.endsAt() <= now);
        var limitsByKey = List.of(Integer.MAX_VALUE, limits.perIp(), limits.perAccountAndIp());
        long wait = 0;
        for (int i = 0; i < keys.size(); i++) {
            var window = local.get(keys.get(i));
            if (window != null && window.count() >= limitsByKey.get(i)) {
                wait = Math.max(wait, window.endsAt() - now);
            }
        }
        if (wait > 0) {
            return attempt(wait, 0);
        }
        var account = local.get(keys.get(0));
        var failures = account == null ? 0 : account.count();
        for (var key : keys) {
            local.merge(key, new Window(1, now + limits.window().toMillis()), (old, one) -> new Window(old.count() + 1, old.endsAt()));
        }
        return attempt(0, failures);
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
