package com.desayre.gateway.admin;

import com.desayre.contracts.PriceList;
import com.desayre.gateway.costs.CostLedgerReader;
import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.ProblemTypes;
import io.swagger.v3.oas.annotations.Operation;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/admin/stats} (admins): jobs by status and kind in the last hour, day and 7 days;
 * per provider and model the success rate, latency (p50/p95) and estimated cost; the busiest
 * users; storage used. {@code ?window=1h|24h|7d} (default 24h) sets the window of all but the first.
 */
@RestController
class StatsController {
    private static final Map<String, Duration> WINDOWS = Map.of("1h", Duration.ofHours(1), "24h", Duration.ofDays(1),
            "7d", Duration.ofDays(7));

    private final StatsRepository stats;
    private final StatsSettings settings;
    private final CostLedgerReader ledger;
    private final PriceList prices;

    StatsController(StatsRepository stats, StatsSettings settings, CostLedgerReader ledger, PriceList prices) {
        this.stats = stats;
        this.settings = settings;
        this.ledger = ledger;
        this.prices = prices;
    }

    record ModelStats(String provider, String model, long finished, long completed, long failed, long cancelled,
                      Double successRate, Long latencyP50Ms, Long latencyP95Ms) {
    }

    /** A model's spend in the window, from the cost ledger: charges less credits; possible duplicates apart. */
    record ModelCost(String provider, String model, long charges, long credits, long possibleDuplicates, BigDecimal cost,
                     BigDecimal possibleCost, @io.swagger.v3.oas.annotations.media.Schema(nullable = true) BigDecimal reported) {
    }

    record Cost(String currency, BigDecimal total, BigDecimal possibleDuplicates, List<ModelCost> byModel, String note) {
    }

    @Operation(operationId = "getStats", summary = "Jobs, success rates, latency, cost, top users and storage",
            description = "Jobs by kind and status for the last hour, day and 7 days; for `window`: per provider and model the "
                    + "success rate, latency p50/p95 and cost (from the cost ledger), the busiest users, storage used.")
    @ProblemTypes({"invalid-request"})
    @GetMapping("/api/admin/stats")
    Mono<Map<String, Object>> stats(@RequestParam(required = false) String window) {
        var name = window == null ? "24h" : window.strip();
        var length = WINDOWS.get(name);
        if (length == null) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("window", "'window' must be 1h, 24h or 7d.")));
        }
        var now = Instant.now();
        var since = now.minus(length);
        return Mono.zip(stats.jobsByKindAndStatus(now).collectList(),
                        stats.outcomesByModel(since, now).map(StatsController::modelStats).collectList(),
                        ledger.byModel(since, now.plusSeconds(1)).collectList().map(this::cost),
                        stats.topUsers(since, now, settings.topUsers()).collectList(),
                        stats.storage())
                .map(all -> {
                    var body = new LinkedHashMap<String, Object>();
                    body.put("at", now);
                    body.put("window", name);
                    body.put("jobs", all.getT1());
                    body.put("models", all.getT2());
                    body.put("cost", all.getT3());
                    body.put("topUsers", all.getT4());
                    body.put("storage", all.getT5());
                    return body;
                });
    }

    /** One UTC hour or day: jobs created in it by kind and status, and what the ledger recorded in it. */
    record SeriesPoint(Instant at, long total,
                       @io.swagger.v3.oas.annotations.media.Schema(description = "kind → status → jobs created in the bucket; "
                               + "kinds and statuses with none are left out") Map<String, Map<String, Long>> jobs,
                       BigDecimal cost, BigDecimal possibleDuplicates) {
    }

    record Series(Instant from, Instant to, String bucket, String currency, List<SeriesPoint> points) {
    }

    @Operation(operationId = "getStatsSeries", summary = "Jobs by kind and status, and cost, per UTC hour or day",
            description = "[from, to), from moved back to the start of its bucket. Defaults: to now; bucket hour for up to two "
                    + "days, day beyond; from a day (hours) or 30 days (days) before to. At most " + SeriesRange.MAX_BUCKETS
                    + " buckets. Every bucket is in the answer, empty ones with zeros.")
    @ProblemTypes({"invalid-request"})
    @GetMapping("/api/admin/stats/series")
    Mono<Series> series(@RequestParam(required = false) @io.swagger.v3.oas.annotations.Parameter(description = "A date (2026-12-01) or an instant") String from,
                        @RequestParam(required = false) @io.swagger.v3.oas.annotations.Parameter(description = "A date (2026-12-01) or an instant; exclusive") String to,
                        @RequestParam(required = false) @io.swagger.v3.oas.annotations.Parameter(schema = @io.swagger.v3.oas.annotations.media.Schema(allowableValues = {"hour", "day"})) String bucket) {
        var range = SeriesRange.of(from, to, bucket, Instant.now());
        return Mono.zip(stats.jobsOverTime(range).collectList(), ledger.overTime(range.from(), range.to(), range.bucket()).collectList())
                .map(both -> {
                    var jobs = new LinkedHashMap<Instant, Map<String, Map<String, Long>>>();
                    for (var count : both.getT1()) {
                        jobs.computeIfAbsent(count.at(), at -> new java.util.TreeMap<>())
                                .computeIfAbsent(count.kind(), kind -> new java.util.TreeMap<>()).merge(count.status(), count.jobs(), Long::sum);
                    }
                    var spend = new LinkedHashMap<Instant, CostLedgerReader.Spend>();
                    both.getT2().forEach(s -> spend.put(s.at(), s));
                    var points = new ArrayList<SeriesPoint>();
                    for (var at : range.starts()) {
                        var counts = jobs.getOrDefault(at, Map.of());
                        var total = counts.values().stream().flatMap(byStatus -> byStatus.values().stream()).mapToLong(Long::longValue).sum();
                        var spent = spend.get(at);
                        points.add(new SeriesPoint(at, total, counts, PriceList.fromMicros(spent == null ? 0 : spent.amountMicros()),
                                PriceList.fromMicros(spent == null ? 0 : spent.possibleMicros())));
                    }
                    return new Series(range.from(), range.to(), range.bucket(), prices.currency(), points);
                });
    }

    private static ModelStats modelStats(StatsRepository.ModelOutcomes o) {
        // cancelled jobs are the user's choice, not the provider's failure: the rate counts completed vs failed
        var judged = o.completed() + o.failed();
        Double rate = judged == 0 ? null : BigDecimal.valueOf(o.completed()).divide(BigDecimal.valueOf(judged), 4, RoundingMode.HALF_UP)
                .doubleValue();
        return new ModelStats(o.provider(), o.model(), o.completed() + o.failed() + o.cancelled(), o.completed(), o.failed(),
                o.cancelled(), rate, o.p50Ms() == null ? null : Math.round(o.p50Ms()), o.p95Ms() == null ? null : Math.round(o.p95Ms()));
    }

    private Cost cost(List<CostLedgerReader.Usage> byModel) {
        var models = byModel.stream().map(u -> new ModelCost(u.provider(), u.model(), u.charges(), u.credits(),
                u.possibleDuplicates(), PriceList.fromMicros(u.amountMicros()), PriceList.fromMicros(u.possibleMicros()),
                u.reportedMicros() == null ? null : PriceList.fromMicros(u.reportedMicros()))).toList();
        return new Cost(prices.currency(), PriceList.fromMicros(byModel.stream().mapToLong(CostLedgerReader.Usage::amountMicros).sum()),
                PriceList.fromMicros(byModel.stream().mapToLong(CostLedgerReader.Usage::possibleMicros).sum()), models,
                "From the cost ledger: what providers took, at the configured prices (desayre.pricing), less credits; "
                        + "`reported` is what a provider said it charged, where it says.");
    }
}
