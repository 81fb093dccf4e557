package com.desayre.gateway.limits;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.StatusChanged;
import com.desayre.gateway.accounts.DesayreAuthentication;
import com.desayre.gateway.history.HistoryRepository;
import com.desayre.gateway.limits.LimitUsage.Ask;
import com.desayre.gateway.limits.LimitUsage.Outcome;
import com.desayre.gateway.limits.LimitUsage.Verdict;
import com.desayre.gateway.messaging.StatusBus;
import com.desayre.gateway.redis.ScriptAnswers;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The limits on generating, checked before anything is published: a token bucket per user and
 * one per personal API key (a job costs units by kind, times the number of jobs), a cap on a
 * user's jobs in flight, and a daily quota per user. All of it is one Lua script in Redis, so
 * concurrent requests on any number of gateway instances are counted exactly once.
 *
 * <p>Jobs in flight are a sorted set per user (job id, scored by submit time). A terminal status
 * frees its job's slot when the gateways' durable status projection applies it
 * ({@code StatusProjection}, so a status published while no gateway ran still does), and again
 * whenever a read finds a job ended ({@code JobStatuses}); removal is idempotent. Before a user is
 * refused for too many jobs in flight, and when they look at their limits, the set is checked
 * against storage-sink's projection, so a slot whose release Redis missed (it was down) is freed
 * then. Entries older than {@code in-flight-expiry} are dropped at the next check, the last resort.
 *
 * <p><b>Through Redis trouble no unit is lost</b> (docs/limits.md, "Through Redis trouble"). Every charge has an
 * id and a row in the durable {@link QuotaLedger}; Redis remembers, per user and day, the ids it counted. A check
 * Redis does not answer within {@code redis-timeout} is decided by {@link LocalLimits} (buckets, slots) and the ledger
 * (the daily quota, from every instance's charges that day) and written to the ledger as pending; the reconciler adds
 * pending rows to Redis's daily counter once it answers, exactly once (a late run of the timed-out script, a second
 * reconciler or a crash between Redis and Postgres all find the id already counted). Only an outage
 * ({@link RedisOutage}: a Resilience4j circuit breaker, open after failures in a row, lasting) switches this instance to limiting locally without asking Redis,
 * which it says in health and metrics; every {@code probe-interval} it tries Redis, reconciles the ledger, and only
 * then shares the limits again. With {@code fallback: closed} it refuses to generate instead (503).
 */
@Component
public class GenerationLimits implements DisposableBean {
    static final String FALLBACK_GAUGE = "desayre.limits.local.fallback";
    static final String SWITCHES = "desayre.limits.backend.switches";
    static final String DECISIONS = "desayre.limits.decisions";

    static final String USER_POLICY = "user";
    static final String API_KEY_POLICY = "api-key";
    static final String DAILY_POLICY = "daily";
    static final String IN_FLIGHT_POLICY = "in-flight";

    private static final Logger log = LoggerFactory.getLogger(GenerationLimits.class);

    // KEYS: user bucket, API key bucket, in-flight set, today's counter, today's charges (charge id -> units, 'r' refunded).
    // ARGV: dry run (1/0: the verdict without charging anything), cost, user capacity, user window ms, has key (1/0), key capacity, key window ms,
    //       max in flight, in-flight expiry ms, daily quota, now (epoch ms), charge id, then the job ids.
    // A charge id Redis already knows (the reconciler counted it, or refunded it, after this call timed out and
    // the request was decided locally) charges nothing: a late run never counts a request twice.
    // Answers {verdict, user tokens, ms to full, key tokens, ms to full, in flight, used today, wait ms,
    //          ms to midnight UTC, day}. The time comes from the gateway, not Redis's TIME: a script that
    //          reads the clock is not deterministic, which replicas that re-run scripts (Upstash asks for
    //          deterministic scripts) would disagree on; and every key is declared (Redis Cluster, Upstash).
    private static final String CHECK_SCRIPT = """
            local now = tonumber(ARGV[11])
            local dry = ARGV[1] == '1'
            local cost = tonumber(ARGV[2])
            local function fill(key, cap, window)
              local s = redis.call('HMGET', key, 'tokens', 'at')
              local tokens, at = tonumber(s[1]), tonumber(s[2])
              if not tokens then return cap end
              if now > at then tokens = math.min(cap, tokens + (now - at) * cap / window) end
              return tokens
            end
            local function wait_for(need, tokens, cap, window) return math.ceil((need - tokens) * window / cap) end
            local function to_full(tokens, cap, window) return math.ceil((cap - tokens) * window / cap) end
            local function take(key, tokens, cap, window)
              redis.call('HSET', key, 'tokens', tokens, 'at', now)
              redis.call('PEXPIRE', key, to_full(tokens, cap, window) + 1000)
            end

            local ucap, uwin = tonumber(ARGV[3]), tonumber(ARGV[4])
            local utok = fill(KEYS[1], ucap, uwin)
            local has_key = ARGV[5] == '1'
            local kcap, kwin = tonumber(ARGV[6]), tonumber(ARGV[7])
            local ktok = 0
            if has_key then ktok = fill(KEYS[2], kcap, kwin) end
            local max_in, expiry = tonumber(ARGV[8]), tonumber(ARGV[9])
            redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - expiry)
            local in_flight = redis.call('ZCARD', KEYS[3])
            local jobs = #ARGV - 12
            local day = math.floor(now / 86400000)
            local daily = KEYS[4]
            local quota = tonumber(ARGV[10])
            local used = tonumber(redis.call('GET', daily) or '0')
            local to_midnight = (day + 1) * 86400000 - now

            local verdict, wait = 0, 0
            if utok < cost then verdict = 1; wait = wait_for(cost, utok, ucap, uwin) end
            if has_key and ktok < cost then verdict = 2; wait = math.max(wait, wait_for(cost, ktok, kcap, kwin)) end
            if in_flight + jobs > max_in then verdict = 3 end
            if used + cost > quota then verdict = 4; wait = math.max(wait, to_midnight) end
            if not dry then
              if verdict == 0 and redis.call('HSETNX', KEYS[5], ARGV[12], cost) == 1 then
                redis.call('PEXPIRE', KEYS[5], to_midnight + 3600000)
                utok = utok - cost
                take(KEYS[1], utok, ucap, uwin)
                if has_key then
                  ktok = ktok - cost
                  take(KEYS[2], ktok, kcap, kwin)
                end
                for i = 13, #ARGV do redis.call('ZADD', KEYS[3], now, ARGV[i]) end
                redis.call('PEXPIRE', KEYS[3], expiry)
                in_flight = in_flight + jobs
                used = redis.call('INCRBY', daily, cost)
                redis.call('PEXPIRE', daily, to_midnight + 3600000)
              end
            end
            local kfull = 0
            if has_key then kfull = to_full(ktok, kcap, kwin) end
            return {verdict, math.floor(utok), to_full(utok, ucap, uwin), math.floor(ktok), kfull, in_flight, used, wait,
                    to_midnight, day}
            """;

    // Hands back what a charge took, if Redis counted it, and marks it refunded so a late run of its check charges
    // nothing. Idempotent. KEYS as CHECK's (with the counter and charges of the day it was charged on).
    // ARGV: charge id, user capacity, has key (1/0), key capacity, ms to keep the charges, then the job ids.
    private static final String REFUND_SCRIPT = """
            local before = redis.call('HGET', KEYS[5], ARGV[1])
            redis.call('HSET', KEYS[5], ARGV[1], 'r')
            if redis.call('PTTL', KEYS[5]) < 0 then redis.call('PEXPIRE', KEYS[5], ARGV[5]) end
            if not before or before == 'r' then return 0 end
            local cost = tonumber(before)
            local function give(key, cap)
              local tokens = tonumber(redis.call('HGET', key, 'tokens'))
              if tokens then redis.call('HSET', key, 'tokens', math.min(cap, tokens + cost)) end
            end
            give(KEYS[1], tonumber(ARGV[2]))
            if ARGV[3] == '1' then give(KEYS[2], tonumber(ARGV[4])) end
            for i = 6, #ARGV do redis.call('ZREM', KEYS[3], ARGV[i]) end
            if tonumber(redis.call('GET', KEYS[4]) or '0') >= cost then redis.call('DECRBY', KEYS[4], cost) end
            return cost
            """;

    // Adds a charge made while Redis could not be reached to the day's counter, once per charge id.
    // KEYS: the day's counter, the day's charges. ARGV: charge id, units, ms to keep them.
    private static final String APPLY_SCRIPT = """
            if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
            redis.call('INCRBY', KEYS[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            return 1
            """;

    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> CHECK = RedisScript.of(CHECK_SCRIPT, List.class);
    private static final RedisScript<Long> REFUND = RedisScript.of(REFUND_SCRIPT, Long.class);
    private static final RedisScript<Long> APPLY = RedisScript.of(APPLY_SCRIPT, Long.class);
    static final String RECONCILED = "desayre.limits.ledger.reconciled";
    private static final Duration LEDGER_TIMEOUT = Duration.ofSeconds(2);
    // on the fallback, how stale a user's count of today's units (every instance's, from the ledger) may be
    private static final Duration LEDGER_REFRESH = Duration.ofSeconds(1);
    private static final int RECONCILE_PAGE = 200;
    private static final int RECONCILE_PAGES = 50;
    static final String LEDGER_MARKER = "desayre:limits:ledger-applied";

    private final ReactiveStringRedisTemplate redis;
    private final HistoryRepository history;
    private final LimitSettings settings;
    private final DailyQuotas quotas;
    private final LocalLimits local;
    private final QuotaLedger ledger;
    private final RedisOutage outage;
    private volatile long forgottenBefore;
    private final AtomicBoolean onLocal = new AtomicBoolean();
    private final AtomicReference<Instant> localSince = new AtomicReference<>();
    private final MeterRegistry meters;
    private final Disposable.Composite running = Disposables.composite();

    GenerationLimits(ReactiveStringRedisTemplate redis, HistoryRepository history, LimitSettings settings, DailyQuotas quotas,
                     QuotaLedger ledger, StatusBus bus, MeterRegistry meters) {
        this.redis = redis;
        this.history = history;
        this.settings = settings;
        this.quotas = quotas;
        this.local = new LocalLimits(settings, System::currentTimeMillis);
        this.ledger = ledger;
        this.outage = new RedisOutage(settings.outageFailures(), settings.outageLasting(), settings.probeInterval(), Clock.systemUTC());
        outage.bindTo(meters);
        this.meters = meters;
        Gauge.builder(FALLBACK_GAUGE, onLocal, on -> on.get() ? 1 : 0)
                .description("1 while this instance limits generation on its own, in memory, because Redis is unreachable")
                .register(meters);
        // the in-memory fallback is this instance's own: every instance frees its slots from the statuses it streams
        running.add(bus.events().filter(event -> event.status().isTerminal() && event.ownerId() != null)
                .subscribe(event -> local.release(event.ownerId(), event.jobId())));
        // on the fallback: try Redis (and reconcile before sharing again); otherwise: apply the ledger's stragglers
        // (a call that timed out, another instance's outage). A tick that comes while one still runs is dropped, never queued.
        running.add(Flux.interval(settings.probeInterval())
                .onBackpressureDrop()
                .filter(tick -> settings.enabled())
                .concatMap(tick -> onLocal.get() ? probe() : reconcileQuietly(), 0)
                .subscribe(null, e -> log.error("Generation limits: the Redis probe stopped: {}", e.toString())));
    }

    /**
     * What an admitted request carries: its rate-limit headers, its quota-ledger row (being written already: answer only
     * once it completes, so the row is committed before the 202; it never fails, a write that does is logged), and how to
     * hand the units back (after that row, so the refund finds it).
     */
    public record Admission(HttpHeaders headers, Mono<Void> recorded, Mono<Void> refund) {
        static Admission free() {
            return new Admission(new HttpHeaders(), Mono.empty(), Mono.empty());
        }
    }

    /** Where a user stands, without spending anything. */
    record Standing(List<RateLimitHeaders.Policy> policies, List<RateLimitHeaders.State> states, long dailyQuota,
                    boolean ownDailyQuota, long usedToday, boolean shared) {
        public HttpHeaders headers() {
            return RateLimitHeaders.of(policies, states);
        }
    }

    boolean enabled() {
        return settings.enabled();
    }

    /** True while this instance limits on its own because Redis is unreachable. */
    boolean onLocalFallback() {
        return onLocal.get();
    }

    Instant localSince() {
        return localSince.get();
    }

    public LimitSettings settings() {
        return settings;
    }

    /**
     * Takes {@code cost of kind × jobIds.size()} units and one in-flight slot per job for the
     * calling user (and their API key, if one signed the request), or fails with {@link LimitExceeded}.
     */
    Mono<Admission> admit(String user, JobKind kind, List<String> jobIds) {
        return admit(user, settings.cost(kind, jobIds.size()), jobIds);
    }

    /** As {@link #admit(String, JobKind, List)} with the cost given. */
    public Mono<Admission> admit(String user, int cost, List<String> jobIds) {
        return admit(user, cost, jobIds, false);
    }

    /**
     * Refuses now, with the problem {@link #admit} would answer, a request of {@code jobs} jobs costing {@code cost} that
     * the limits would refuse, and charges nothing (a dry run): for work that must not be done for a request that will be
     * refused anyway, such as decoding an upload. A request it lets through is charged by {@code admit} later, which may
     * still refuse it (a concurrent request took the last units meanwhile).
     */
    public Mono<Void> precheck(String user, int cost, int jobs) {
        var placeholders = java.util.stream.IntStream.range(0, jobs).mapToObj(i -> "precheck-" + i).toList();
        return admit(user, cost, placeholders, true).then();
    }

    private Mono<Admission> admit(String user, int cost, List<String> jobIds, boolean dryRun) {
        if (!settings.enabled()) {
            return Mono.just(Admission.free());
        }
        return Mono.zip(apiKeyId(), quotas.of(user)).flatMap(context -> {
            var apiKeyId = context.getT1().orElse(null);
            var ask = new Ask(user, apiKeyId, cost, List.copyOf(jobIds), context.getT2().dailyQuota(), dryRun);
            var impossible = impossible(ask);
            if (impossible != null) {
                return Mono.error(impossible);
            }
            return check(ask).flatMap(checked -> checked.shared() && checked.outcome().verdict() == Verdict.IN_FLIGHT
                    // a slot may still be held by a job that ended while Redis could not hear of it: look, then ask again
                    ? reconcileInFlight(user).then(check(ask)) : Mono.just(checked)).map(checked -> {
                var outcome = checked.outcome();
                var headers = RateLimitHeaders.of(policies(ask), states(ask, outcome));
                if (!dryRun) {
                    meters.counter(DECISIONS, "verdict", outcome.verdict().name().toLowerCase(), "backend",
                            checked.shared() ? "redis" : "local").increment();
                }
                if (outcome.verdict() != Verdict.ADMITTED) {
                    throw LimitExceeded.of(ask, outcome, settings, headers);
                }
                if (dryRun) {
                    return new Admission(headers, Mono.empty(), Mono.empty());
                }
                return new Admission(headers, checked.recorded(), checked.recorded().then(Mono.defer(() -> refund(ask, outcome, checked))));
            });
        });
    }

    /** Where the caller stands now (with their API key's bucket if one signed the request); nothing is charged. */
    Mono<Standing> standing(String user) {
        return standing(user, apiKeyId());
    }

    /** Where a user stands now, without any API key's bucket (an admin looking); nothing is charged. */
    Mono<Standing> standingOf(String user) {
        return standing(user, Mono.just(Optional.empty()));
    }

    private Mono<Standing> standing(String user, Mono<Optional<String>> apiKeyId) {
        if (!settings.enabled()) {
            return quotas.of(user).map(quota -> new Standing(List.of(), List.of(), quota.dailyQuota(), quota.own(), 0, true));
        }
        return Mono.zip(apiKeyId, quotas.of(user)).flatMap(context -> {
            var ask = new Ask(user, context.getT1().orElse(null), 0, List.of(), context.getT2().dailyQuota(), true);
            return reconcileInFlight(user).then(check(ask)).map(checked -> new Standing(policies(ask), states(ask, checked.outcome()), ask.dailyQuota(),
                    context.getT2().own(), checked.outcome().dailyUsed(), checked.shared()));
        }).onErrorResume(LimitExceeded.class, e -> quotas.of(user)
                .map(quota -> new Standing(List.of(), List.of(), quota.dailyQuota(), quota.own(), 0, false)));
    }

    /** Headers for an answer that spends nothing (an Idempotency-Key replay); none if Redis can't tell. */
    public Mono<HttpHeaders> headers(String user) {
        return standing(user).map(Standing::headers).onErrorResume(e -> Mono.just(new HttpHeaders()));
    }

    /**
     * Frees the job's in-flight slot of a terminal status (idempotent, so the projection, a read and a cancel may all do it).
     * Completes once Redis answered; a Redis failure is logged, not raised: the next reconciliation frees the slot.
     */
    public Mono<Void> release(StatusChanged status) {
        if (status.ownerId() == null || !status.status().isTerminal()) {
            return Mono.empty();
        }
        local.release(status.ownerId(), status.jobId());
        return redis.opsForZSet().remove(key(status.ownerId(), "in-flight"), status.jobId())
                .timeout(settings.redisTimeout())
                .then()
                .onErrorResume(e -> {
                    log.debug("Could not free job {}'s in-flight slot in Redis: {}", status.jobId(), e.toString());
                    return Mono.empty();
                });
    }

    /**
     * Frees the slots of the user's jobs that storage-sink's projection shows ended (a release Redis missed). One query
     * for the whole set; errors are swallowed: this only ever gives slots back, and the expiry remains the last resort.
     */
    Mono<Void> reconcileInFlight(String user) {
        if (!settings.enabled() || onLocal.get()) {
            return Mono.empty();
        }
        var key = key(user, "in-flight");
        return redis.opsForZSet().range(key, org.springframework.data.domain.Range.unbounded()).collectList()
                .timeout(settings.redisTimeout())
                .flatMap(jobIds -> history.statuses(jobIds))
                .flatMap(statuses -> {
                    var ended = statuses.entrySet().stream().filter(e -> e.getValue().isTerminal()).map(Map.Entry::getKey).toArray();
                    return ended.length == 0 ? Mono.<Void>empty()
                            : redis.opsForZSet().remove(key, ended).timeout(settings.redisTimeout()).then();
                })
                .onErrorResume(e -> {
                    log.debug("Could not check {}'s jobs in flight against the job history: {}", user, e.toString());
                    return Mono.empty();
                });
    }

    /** @param recorded the charge's quota-ledger row, when Redis admitted it: written while the request goes on */
    private record Checked(Outcome outcome, boolean shared, String chargeId, Mono<Void> recorded) {
        Checked(Outcome outcome, boolean shared, String chargeId) {
            this(outcome, shared, chargeId, Mono.empty());
        }
    }

    private Mono<Checked> check(Ask ask) {
        var chargeId = UUID.randomUUID().toString();
        if (onLocal.get()) {
            return locally(ask, chargeId, false);
        }
        var now = System.currentTimeMillis();
        return redis.execute(CHECK, keys(ask.user(), ask.apiKeyId(), Math.floorDiv(now, LocalLimits.DAY_MS)),
                        arguments(ask, now, chargeId))
                .collectList()
                .timeout(settings.redisTimeout())
                .map(result -> Outcome.of(ScriptAnswers.longs(result)))
                .doOnNext(answered -> outage.answered())
                .map(outcome -> charged(ask, outcome)
                        ? new Checked(outcome, true, chargeId, recordShared(ask, outcome, chargeId))
                        : new Checked(outcome, true, chargeId))
                .onErrorResume(e -> {
                    if (outage.failed(e)) {
                        toLocal(e);
                    } else {
                        log.info("Generation limits: Redis did not answer one check ({}); decided on this instance and "
                                + "written to the quota ledger", e.toString());
                    }
                    return locally(ask, chargeId, true);
                });
    }

    /**
     * Starts writing the quota-ledger row of a charge Redis admitted, so that it goes to PostgreSQL while the request is
     * published (one wait for both, not one after the other); the answer waits for it. Never fails: Redis counted the
     * charge, so a row that cannot be written is a warning (docs/limits.md).
     */
    private Mono<Void> recordShared(Ask ask, Outcome outcome, String chargeId) {
        var recorded = ledger.recordShared(chargeId, ask.user(), outcome.day(), ask.cost(), ask.jobIds())
                .timeout(LEDGER_TIMEOUT)
                .onErrorResume(e -> {
                    log.warn("Could not write {}'s charge of {} units to the quota ledger (Redis counted it): {}",
                            ask.user(), ask.cost(), e.toString());
                    return Mono.empty();
                })
                .cache();
        recorded.subscribe();
        return recorded;
    }

    private static boolean charged(Ask ask, Outcome outcome) {
        return !ask.dryRun() && outcome.verdict() == Verdict.ADMITTED;
    }

    /**
     * Decides without Redis: buckets and slots from this instance's memory, the daily quota from the ledger (every
     * instance's charges today, read again at most every {@link #LEDGER_REFRESH} per user, plus this instance's since),
     * and an admitted charge written to the ledger as pending before it is answered. {@code afterFailedCall}: Redis
     * may still run the check that timed out, so a refusal leaves a tombstone that keeps it from charging.
     */
    private Mono<Checked> locally(Ask ask, String chargeId, boolean afterFailedCall) {
        var day = Math.floorDiv(System.currentTimeMillis(), LocalLimits.DAY_MS);
        var tombstone = afterFailedCall && !ask.dryRun()
                ? ledger.tombstone(chargeId, ask.user(), day, ask.cost(), ask.jobIds()).timeout(LEDGER_TIMEOUT).onErrorResume(e -> {
                    log.warn("Could not write a refused request's tombstone to the quota ledger: {}", e.toString());
                    return Mono.empty();
                })
                : Mono.<Void>empty();
        if (settings.fallback() == LimitSettings.Fallback.CLOSED) {
            return tombstone.then(Mono.error(LimitExceeded.unavailable(settings)));
        }
        var known = local.ledgerStale(ask.user(), day, LEDGER_REFRESH.toMillis())
                ? ledger.used(ask.user(), day).timeout(LEDGER_TIMEOUT).doOnNext(used -> local.ledgerSays(ask.user(), day, used)).then()
                : Mono.<Void>empty();
        Mono<Checked> decided = known.then(Mono.fromCallable(() -> local.check(ask))).flatMap(outcome -> {
            if (!charged(ask, outcome)) {
                return tombstone.thenReturn(new Checked(outcome, false, chargeId));
            }
            return ledger.recordPending(chargeId, ask.user(), outcome.day(), ask.cost(), ask.jobIds())
                    .timeout(LEDGER_TIMEOUT)
                    .doOnError(e -> local.refund(ask, outcome.day()))
                    .thenReturn(new Checked(outcome, false, chargeId));
        });
        return decided.onErrorResume(e -> {
            // neither Redis nor the ledger: a charge that cannot be recorded is not made
            log.warn("Generation limits: neither Redis nor the quota ledger answered ({}); refusing to generate", e.toString());
            return tombstone.then(Mono.error(LimitExceeded.unavailable(settings)));
        });
    }

    private Mono<Void> refund(Ask ask, Outcome outcome, Checked checked) {
        if (!checked.shared()) {
            local.refund(ask, outcome.day());
            return ledgerRefunded(checked.chargeId(), false);
        }
        return redis.execute(REFUND, keys(ask.user(), ask.apiKeyId(), outcome.day()), refundArguments(checked.chargeId(),
                        ask.apiKeyId() != null, outcome.day(), ask.jobIds()))
                .then()
                .timeout(settings.redisTimeout())
                .then(ledgerRefunded(checked.chargeId(), true))
                .onErrorResume(e -> {
                    log.warn("Could not hand back {} units to {} in Redis after a failed submission ({}); the reconciler will",
                            ask.cost(), ask.user(), e.toString());
                    return ledgerRefunded(checked.chargeId(), false);
                });
    }

    private Mono<Void> ledgerRefunded(String chargeId, boolean inRedis) {
        return ledger.refunded(chargeId, inRedis).timeout(LEDGER_TIMEOUT).onErrorResume(e -> {
            log.warn("Could not mark charge {} refunded in the quota ledger: {}", chargeId, e.toString());
            return Mono.empty();
        });
    }

    private List<String> refundArguments(String chargeId, boolean hasKey, long day, List<String> jobIds) {
        var arguments = new ArrayList<>(List.of(chargeId, String.valueOf(settings.user().capacity()), hasKey ? "1" : "0",
                String.valueOf(settings.apiKey().capacity()), String.valueOf(keepMs(day))));
        arguments.addAll(jobIds);
        return arguments;
    }

    /** How long a day's counter and charges stay in Redis: until an hour after that day ends (UTC). */
    private static long keepMs(long day) {
        return (day + 1) * LocalLimits.DAY_MS - System.currentTimeMillis() + 3_600_000;
    }

    /**
     * Applies every pending ledger row to Redis: a charge is added to its day's counter, a refund (or a refused
     * request's tombstone) taken back — each at most once, however many instances do this at the same time or die
     * half-way. Fails on the first Redis error (the rows left stay pending).
     */
    Mono<Void> reconcile() {
        return rebuildIfRedisLostItsCounters().thenMany(Flux.range(0, RECONCILE_PAGES))
                .concatMap(page -> ledger.pending(RECONCILE_PAGE).concatMap(this::apply).count(), 0)
                .takeUntil(applied -> applied < RECONCILE_PAGE)
                .then(forgetPastDays());
    }

    /**
     * A Redis that restarted empty (no persistence) or was flushed has lost the day's counters, and with them the
     * record of which charges it counted. A key without expiry marks a Redis the ledger was applied to: when it is
     * missing, today's charges are made pending again, and the reconciler adds them — each once, since a charge
     * counted by the new Redis is in its hash. The marker is set only after that, so a crash in between redoes it.
     */
    private Mono<Void> rebuildIfRedisLostItsCounters() {
        return redis.hasKey(LEDGER_MARKER).timeout(settings.redisTimeout()).flatMap(present -> present ? Mono.<Void>empty()
                : ledger.repend(Math.floorDiv(System.currentTimeMillis(), LocalLimits.DAY_MS))
                        .doOnNext(rows -> {
                            if (rows > 0) {
                                log.warn("Generation limits: Redis has lost its daily counters (restarted empty?); adding today's "
                                        + "{} charges back from the quota ledger", rows);
                            }
                        })
                        .then(redis.opsForValue().set(LEDGER_MARKER, "applied").timeout(settings.redisTimeout()))
                        .then());
    }

    private Mono<Void> reconcileQuietly() {
        return reconcile().onErrorResume(e -> {
            log.debug("Could not reconcile the quota ledger with Redis now: {}", e.toString());
            return Mono.empty();
        });
    }

    private Mono<Boolean> apply(QuotaLedger.Pending row) {
        var keep = keepMs(row.day());
        Mono<Long> inRedis;
        if (keep <= 0) {
            inRedis = Mono.empty(); // that day's quota has renewed: nothing left to make whole
        } else if (row.refunded()) {
            inRedis = redis.execute(REFUND, keys(row.username(), null, row.day()), refundArguments(row.id(), false, row.day(),
                    row.jobIds())).next();
        } else {
            inRedis = redis.execute(APPLY, List.of(key(row.username(), "day:" + row.day()), key(row.username(), "charges:" + row.day())),
                    List.of(row.id(), String.valueOf(row.units()), String.valueOf(keep))).next();
        }
        return inRedis.timeout(settings.redisTimeout())
                .then(ledger.reconciled(row.id(), row.refunded()))
                .doOnNext(done -> meters.counter(RECONCILED, "kind", row.refunded() ? "refund" : "charge").increment());
    }

    /** Once a day per instance: the ledger's rows of days before yesterday go (their quotas have long renewed). */
    private Mono<Void> forgetPastDays() {
        var today = Math.floorDiv(System.currentTimeMillis(), LocalLimits.DAY_MS);
        if (forgottenBefore >= today - 1) {
            return Mono.empty();
        }
        return ledger.forgetBefore(today - 1).doOnNext(rows -> forgottenBefore = today - 1).then();
    }

    private void toLocal(Throwable cause) {
        if (onLocal.compareAndSet(false, true)) {
            localSince.set(Instant.now());
            meters.counter(SWITCHES, "to", "local").increment();
            log.warn("Generation limits: Redis is out ({} calls in a row failed, the last: {}); limiting on this instance only, "
                    + "daily quotas from the quota ledger ({} fallback), until it answers again", settings.outageFailures(),
                    cause.toString(), settings.fallback().name().toLowerCase());
        }
    }

    /** Redis answers again: first make its counters whole from the ledger, then share the limits again. */
    private Mono<Void> probe() {
        if (!outage.mayProbe()) {
            return Mono.empty();
        }
        return redis.hasKey("desayre:limits:probe")
                .timeout(settings.redisTimeout())
                .then(reconcile())
                .doOnSuccess(done -> {
                    outage.answered();
                    // the breaker closes on the probe's answer, unless a late failure opened it again meanwhile
                    if (!outage.out() && onLocal.compareAndSet(true, false)) {
                        localSince.set(null);
                        meters.counter(SWITCHES, "to", "redis").increment();
                        log.info("Generation limits: Redis answers again and holds every charge of the outage; limits are "
                                + "shared by every instance again");
                    }
                })
                .onErrorResume(e -> {
                    outage.probeFailed(e);
                    return Mono.empty();
                });
    }

    /** A request no amount of waiting lets through: 422 rather than a 429 that would never end. */
    private LimitExceeded impossible(Ask ask) {
        if (ask.cost() > settings.user().capacity() || ask.apiKeyId() != null && ask.cost() > settings.apiKey().capacity()
                || ask.jobIds().size() > settings.maxInFlight()) {
            return LimitExceeded.impossible(ask, settings);
        }
        return null;
    }

    private List<RateLimitHeaders.Policy> policies(Ask ask) {
        var policies = new ArrayList<RateLimitHeaders.Policy>();
        policies.add(new RateLimitHeaders.Policy(USER_POLICY, settings.user().capacity(), settings.user().window().toSeconds(), null));
        if (ask.apiKeyId() != null) {
            policies.add(new RateLimitHeaders.Policy(API_KEY_POLICY, settings.apiKey().capacity(),
                    settings.apiKey().window().toSeconds(), null));
        }
        policies.add(new RateLimitHeaders.Policy(DAILY_POLICY, ask.dailyQuota(), LocalLimits.DAY_MS / 1000, null));
        policies.add(new RateLimitHeaders.Policy(IN_FLIGHT_POLICY, settings.maxInFlight(), null, "concurrent-requests"));
        return policies;
    }

    private List<RateLimitHeaders.State> states(Ask ask, Outcome outcome) {
        var states = new ArrayList<RateLimitHeaders.State>();
        states.add(new RateLimitHeaders.State(USER_POLICY, outcome.userTokens(), RateLimitHeaders.seconds(outcome.userFullMs())));
        if (ask.apiKeyId() != null) {
            states.add(new RateLimitHeaders.State(API_KEY_POLICY, outcome.keyTokens(), RateLimitHeaders.seconds(outcome.keyFullMs())));
        }
        states.add(new RateLimitHeaders.State(DAILY_POLICY, Math.max(0, ask.dailyQuota() - outcome.dailyUsed()),
                RateLimitHeaders.seconds(outcome.msToMidnight())));
        states.add(new RateLimitHeaders.State(IN_FLIGHT_POLICY, Math.max(0, settings.maxInFlight() - outcome.inFlight()), null));
        return states;
    }

    private List<String> arguments(Ask ask, long now, String chargeId) {
        var arguments = new ArrayList<>(List.of(ask.dryRun() ? "1" : "0", String.valueOf(ask.cost()),
                String.valueOf(settings.user().capacity()), String.valueOf(settings.user().window().toMillis()),
                ask.apiKeyId() == null ? "0" : "1", String.valueOf(settings.apiKey().capacity()),
                String.valueOf(settings.apiKey().window().toMillis()), String.valueOf(settings.maxInFlight()),
                String.valueOf(settings.inFlightExpiry().toMillis()), String.valueOf(ask.dailyQuota()), String.valueOf(now),
                chargeId));
        arguments.addAll(ask.jobIds());
        return arguments;
    }

    /** Every key of a user shares one hash tag, so the script's keys sit in one slot on a Redis Cluster too. */
    private static List<String> keys(String user, String apiKeyId, long day) {
        return List.of(key(user, "bucket"), key(user, "api-key:" + (apiKeyId == null ? "-" : apiKeyId)),
                key(user, "in-flight"), key(user, "day:" + day), key(user, "charges:" + day));
    }

    public static String key(String user, String what) {
        return "desayre:limits:{" + user + "}:" + what;
    }

    private static Mono<Optional<String>> apiKeyId() {
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(context -> context.getAuthentication())
                .filter(DesayreAuthentication.class::isInstance)
                .map(authentication -> Optional.ofNullable(((DesayreAuthentication) authentication).apiKeyId()))
                .defaultIfEmpty(Optional.empty());
    }

    @Override
    public void destroy() {
        running.dispose();
    }
}
