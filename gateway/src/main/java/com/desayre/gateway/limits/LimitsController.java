package com.desayre.gateway.limits;

import com.desayre.gateway.accounts.AccountRules;
import com.desayre.gateway.accounts.Accounts;
import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.web.ProblemTypes;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Limits as people see and admins set them: {@code GET /api/limits} (your own standing) and the
 * admin's {@code GET|PUT|DELETE /api/admin/users/{username}/quota} (role admin: enforced in
 * SecurityConfiguration for {@code /api/admin/**}; changes are audited).
 */
@RestController
public class LimitsController {

    private final GenerationLimits limits;
    private final DailyQuotas quotas;
    private final Accounts accounts;

    LimitsController(GenerationLimits limits, DailyQuotas quotas, Accounts accounts) {
        this.limits = limits;
        this.quotas = quotas;
        this.accounts = accounts;
    }

    /** One limit: its quota and window, and where the caller stands. */
    record Limit(String policy, long quota, @Schema(nullable = true) Long windowSeconds, long remaining,
                 @Schema(nullable = true) Long resetSeconds) {
    }

    /** The caller's limits, what each kind of job costs, and whether they are shared by every instance now. */
    record LimitsView(List<Limit> limits, Map<String, Integer> costs, long dailyQuota, boolean ownDailyQuota, long usedToday,
                      String mode) {
    }

    record QuotaView(String username, long dailyQuota, String source, long defaultDailyQuota, long usedToday) {
    }

    @Operation(operationId = "getLimits", summary = "Your limits, where you stand on each, and what each kind of job costs")
    @ApiResponse(responseCode = "200", description = "Your limits", headers = {
            @Header(name = "RateLimit-Policy", description = "The limits that apply, as on every generation answer",
                    schema = @Schema(type = "string")),
            @Header(name = "RateLimit", description = "Where you stand on each", schema = @Schema(type = "string"))})
    @GetMapping("/api/limits")
    Mono<ResponseEntity<LimitsView>> mine(CurrentUser user) {
        return limits.standing(user.id()).map(standing -> {
            var views = new ArrayList<Limit>();
            for (int i = 0; i < standing.policies().size(); i++) {
                var policy = standing.policies().get(i);
                var state = standing.states().get(i);
                views.add(new Limit(policy.name(), policy.quota(), policy.windowSeconds(), state.remaining(), state.resetSeconds()));
            }
            var costs = new LinkedHashMap<String, Integer>();
            var settings = limits.settings();
            costs.put("image", settings.cost().image());
            costs.put("edit", settings.cost().edit());
            costs.put("video", settings.cost().video());
            var mode = !limits.enabled() ? "off" : standing.shared() ? LimitsHealth.SHARED : LimitsHealth.LOCAL_FALLBACK;
            return ResponseEntity.ok().headers(standing.headers()).body(new LimitsView(views, costs, standing.dailyQuota(),
                    standing.ownDailyQuota(), standing.usedToday(), mode));
        });
    }

    @Operation(operationId = "getUserQuota", summary = "A user's daily quota and what they used today")
    @ProblemTypes({"not-found"})
    @GetMapping("/api/admin/users/{username}/quota")
    Mono<QuotaView> quota(@PathVariable String username) {
        var name = AccountRules.normalize(username);
        return existing(name).then(view(name));
    }

    /** {@code {"dailyQuota": n}}: the user's own daily quota in units (0 stops them generating). */
    @Operation(operationId = "setUserQuota", summary = "Set a user's own daily quota in units (0 stops them generating)")
    @ProblemTypes({"not-found"})
    @PutMapping("/api/admin/users/{username}/quota")
    Mono<QuotaView> setQuota(@PathVariable String username, @RequestBody @Valid QuotaChange change, CurrentUser admin) {
        var name = AccountRules.normalize(username);
        return existing(name).then(quotas.set(admin.id(), name, change.dailyQuota())).then(view(name));
    }

    /** Back to the configured default. */
    @Operation(operationId = "resetUserQuota", summary = "Put a user back on the default daily quota")
    @ProblemTypes({"not-found"})
    @DeleteMapping("/api/admin/users/{username}/quota")
    Mono<QuotaView> clearQuota(@PathVariable String username, CurrentUser admin) {
        var name = AccountRules.normalize(username);
        return existing(name).then(quotas.clear(admin.id(), name)).then(view(name));
    }

    private Mono<Void> existing(String username) {
        return accounts.find(username).switchIfEmpty(Mono.error(() -> Accounts.noSuchUser(username))).then();
    }

    private Mono<QuotaView> view(String username) {
        return limits.standingOf(username).map(standing -> new QuotaView(username, standing.dailyQuota(),
                standing.ownDailyQuota() ? "user" : "default", limits.settings().dailyQuota(), standing.usedToday()));
    }
}
