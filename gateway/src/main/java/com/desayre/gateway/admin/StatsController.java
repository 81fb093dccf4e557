package com.desayre.gateway.admin;

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

    StatsController(StatsRepository stats, StatsSettings settings) {
        this.stats = stats;
        this.settings = settings;
    }

    record ModelStats(String provider, String model, long finished, long completed, long failed, long cancelled,
                      Double successRate, Long latencyP50Ms, Long latencyP95Ms) {
    }

    record ModelCost(String provider, String model, String resolution, long jobs, long outputs, long videoSeconds,
                     BigDecimal cost, boolean priced) {
    }

    record Cost(String currency, BigDecimal total, List<ModelCost> byModel, String note) {
    }

    @Operation(operationId = "getStats", summary = "Jobs, success rates, latency, estimated cost, top users and storage",
            description = "Jobs by kind and status for the last hour, day and 7 days; for `window`: per provider and model the "
                    + "success rate, latency p50/p95 and estimated cost, the busiest users, storage used.")
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
                        stats.usageByModel(since, now).collectList().map(this::cost),
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

    private static ModelStats modelStats(StatsRepository.ModelOutcomes o) {
        // cancelled jobs are the user's choice, not the provider's failure: the rate counts completed vs failed
        var judged = o.completed() + o.failed();
        Double rate = judged == 0 ? null : BigDecimal.valueOf(o.completed()).divide(BigDecimal.valueOf(judged), 4, RoundingMode.HALF_UP)
                .doubleValue();
        return new ModelStats(o.provider(), o.model(), o.completed() + o.failed() + o.cancelled(), o.completed(), o.failed(),
                o.cancelled(), rate, o.p50Ms() == null ? null : Math.round(o.p50Ms()), o.p95Ms() == null ? null : Math.round(o.p95Ms()));
    }

    private Cost cost(List<StatsRepository.ModelUsage> usage) {
        var byModel = new ArrayList<ModelCost>();
        var total = BigDecimal.ZERO;
        for (var u : usage) {
            var price = settings.prices().get(u.model());
            var seconds = u.seconds() + u.jobsWithoutLength() * settings.defaultVideoSeconds();
            var cost = price == null ? BigDecimal.ZERO : price.of(u.outputs(), seconds, u.resolution()).setScale(4, RoundingMode.HALF_UP);
            total = total.add(cost);
            byModel.add(new ModelCost(u.provider(), u.model(), u.resolution(), u.jobs(), u.outputs(), seconds, cost, price != null));
        }
        return new Cost(settings.currency(), total.setScale(4, RoundingMode.HALF_UP), byModel,
                "An estimate: completed jobs times the configured prices (desayre.stats.prices), not the provider's bill.");
    }
}
