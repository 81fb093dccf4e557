package com.desayre.gateway.costs;

import com.desayre.contracts.PriceList;
import com.desayre.gateway.accounts.AccountRules;
import com.desayre.gateway.accounts.Accounts;
import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.ProblemTypes;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * What was spent, from the cost ledger: {@code GET /api/usage} (your own, with your budget), admins'
 * {@code GET /api/admin/usage} (everyone's, JSON or CSV), and the budgets admins set
 * ({@code /api/admin/users/{username}/budget}, the default at {@code /api/admin/budget}). The admin paths are
 * admins-only by the security configuration ({@code /api/admin/**}).
 */
@RestController
class CostsController {
    private final CostLedgerReader ledger;
    private final Budgets budgets;
    private final Accounts accounts;
    private final PriceList prices;

    CostsController(CostLedgerReader ledger, Budgets budgets, Accounts accounts, PriceList prices) {
        this.ledger = ledger;
        this.budgets = budgets;
        this.accounts = accounts;
        this.prices = prices;
    }

    /** One user's spend on one kind and model. */
    record UsageLine(@Schema(nullable = true, description = "Only in everyone's usage") String ownerId, String kind, String provider,
                     String model, long charges, long credits, long possibleDuplicates, BigDecimal amount,
                     BigDecimal possibleAmount, @Schema(nullable = true) BigDecimal reported) {
    }

    /** Spend over a period: the total (charges less credits) and per kind and model. */
    record UsageView(Instant from, Instant to, String currency, BigDecimal total, BigDecimal possibleDuplicates,
                     List<UsageLine> byKindAndModel, @Schema(nullable = true, description = "Only in your own usage") BudgetView budget) {
    }

    /** A budget and where its user stands this UTC month. */
    record BudgetView(@Schema(nullable = true, description = "Whose: null for the default") String username,
                      @Schema(nullable = true, description = "null: no cap") BigDecimal monthlyBudget,
                      @Schema(description = "own, default or none") String source, String currency,
                      @Schema(nullable = true, description = "Not for the default") BigDecimal spentThisMonth,
                      @Schema(nullable = true, description = "null: no cap, or the default") BigDecimal remaining,
                      Instant renewsAt) {
    }

    @Operation(operationId = "getUsage", summary = "Your spend by kind and model, and your monthly budget",
            description = "From the cost ledger: charges less credits between `from` (default: the start of this UTC month) and "
                    + "`to` (default: now), each a date (`2026-12-01`, from 00:00 UTC) or an instant. Possible duplicates (a "
                    + "provider's lost answer) are listed apart, not in `total`.")
    @ProblemTypes({"invalid-request"})
    @GetMapping("/api/usage")
    Mono<UsageView> usage(@RequestParam(required = false) String from, @RequestParam(required = false) String to, CurrentUser user) {
        var period = period(from, to);
        return ledger.usage(user.id(), period[0], period[1]).collectList()
                .zipWith(budget(user.id()))
                .map(both -> view(period, both.getT1(), false, both.getT2()));
    }

    @Operation(operationId = "getAllUsage", summary = "Everyone's spend by user, kind and model (JSON, or CSV with format=csv)",
            description = "As `GET /api/usage`, for every user. `format=csv` answers `text/csv`, one line per user, kind and model.")
    @ApiResponse(responseCode = "200", description = "Everyone's usage", content = {
            @Content(mediaType = "application/json", schema = @Schema(implementation = UsageView.class)),
            @Content(mediaType = "text/csv", schema = @Schema(type = "string"))})
    @ProblemTypes({"invalid-request"})
    @GetMapping(path = "/api/admin/usage", produces = {MediaType.APPLICATION_JSON_VALUE, "text/csv"})
    Mono<ResponseEntity<?>> allUsage(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
                                     @RequestParam(required = false) String format) {
        var period = period(from, to);
        if (format != null && !format.equals("csv") && !format.equals("json")) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("format", "'format' must be json or csv.")));
        }
        return ledger.usage(null, period[0], period[1]).collectList().map(lines -> "csv".equals(format)
                ? ResponseEntity.ok().contentType(MediaType.parseMediaType("text/csv")).header("Content-Disposition",
                        "attachment; filename=\"desayre-usage.csv\"").body(csv(lines))
                : ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(view(period, lines, true, null)));
    }

    @Operation(operationId = "getUserBudget", summary = "A user's monthly budget and their spend this month")
    @ProblemTypes({"not-found"})
    @GetMapping("/api/admin/users/{username}/budget")
    Mono<BudgetView> userBudget(@PathVariable String username) {
        var name = AccountRules.normalize(username);
        return existing(name).then(budget(name));
    }

    @Operation(operationId = "setUserBudget", summary = "Set a user's own monthly budget (0 stops them generating anything priced)")
    @ProblemTypes({"not-found"})
    @PutMapping("/api/admin/users/{username}/budget")
    Mono<BudgetView> setUserBudget(@PathVariable String username, @RequestBody @Valid BudgetChange change, CurrentUser admin) {
        var name = AccountRules.normalize(username);
        return existing(name).then(budgets.set(admin.id(), name, PriceList.toMicros(change.monthlyBudget()))).then(budget(name));
    }

    @Operation(operationId = "resetUserBudget", summary = "Put a user back on the default monthly budget")
    @ProblemTypes({"not-found"})
    @DeleteMapping("/api/admin/users/{username}/budget")
    Mono<BudgetView> clearUserBudget(@PathVariable String username, CurrentUser admin) {
        var name = AccountRules.normalize(username);
        return existing(name).then(budgets.clear(admin.id(), name)).then(budget(name));
    }

    @Operation(operationId = "getDefaultBudget", summary = "The monthly budget of every user without their own")
    @GetMapping("/api/admin/budget")
    Mono<BudgetView> defaultBudget() {
        return defaultView();
    }

    @Operation(operationId = "setDefaultBudget", summary = "Set the monthly budget of every user without their own")
    @PutMapping("/api/admin/budget")
    Mono<BudgetView> setDefaultBudget(@RequestBody @Valid BudgetChange change, CurrentUser admin) {
        return budgets.set(admin.id(), Budgets.DEFAULT, PriceList.toMicros(change.monthlyBudget())).then(defaultView());
    }

    @Operation(operationId = "resetDefaultBudget", summary = "Remove the default monthly budget (users without their own have no cap)")
    @DeleteMapping("/api/admin/budget")
    Mono<BudgetView> clearDefaultBudget(CurrentUser admin) {
        return budgets.clear(admin.id(), Budgets.DEFAULT).then(defaultView());
    }

    private Mono<BudgetView> defaultView() {
        var now = Instant.now();
        return budgets.of(Budgets.DEFAULT).map(b -> new BudgetView(null, b.monthlyMicros() == null ? null
                : PriceList.fromMicros(b.monthlyMicros()), b.monthlyMicros() == null ? "none" : "default", prices.currency(), null, null,
                Budgets.nextMonth(now)));
    }

    private Mono<BudgetView> budget(String username) {
        var now = Instant.now();
        return budgets.of(username).zipWith(ledger.spentMicros(username, Budgets.monthStart(now), now.plusSeconds(1)))
                .map(both -> {
                    var b = both.getT1();
                    long spent = both.getT2();
                    return new BudgetView(username, b.monthlyMicros() == null ? null : PriceList.fromMicros(b.monthlyMicros()),
                            b.source(), prices.currency(), PriceList.fromMicros(spent),
                            b.monthlyMicros() == null ? null : PriceList.fromMicros(Math.max(0, b.monthlyMicros() - spent)),
                            Budgets.nextMonth(now));
                });
    }

    private Mono<Void> existing(String username) {
        return accounts.find(username).switchIfEmpty(Mono.error(() -> Accounts.noSuchUser(username))).then();
    }

    private UsageView view(Instant[] period, List<CostLedgerReader.Usage> lines, boolean withOwner, BudgetView budget) {
        long total = lines.stream().mapToLong(CostLedgerReader.Usage::amountMicros).sum();
        long possible = lines.stream().mapToLong(CostLedgerReader.Usage::possibleMicros).sum();
        return new UsageView(period[0], period[1], prices.currency(), PriceList.fromMicros(total), PriceList.fromMicros(possible),
                lines.stream().map(u -> new UsageLine(withOwner ? u.ownerId() : null, u.kind(), u.provider(), u.model(), u.charges(),
                        u.credits(), u.possibleDuplicates(), PriceList.fromMicros(u.amountMicros()), PriceList.fromMicros(u.possibleMicros()),
                        u.reportedMicros() == null ? null : PriceList.fromMicros(u.reportedMicros()))).toList(), budget);
    }

    private String csv(List<CostLedgerReader.Usage> lines) {
        var out = new StringBuilder("owner,kind,provider,model,charges,credits,possible_duplicates,amount,possible_amount,reported,currency\n");
        for (var u : lines) {
            out.append(String.join(",", csvField(u.ownerId()), u.kind(), csvField(u.provider()), csvField(u.model()),
                    Long.toString(u.charges()), Long.toString(u.credits()), Long.toString(u.possibleDuplicates()),
                    PriceList.fromMicros(u.amountMicros()).toPlainString(), PriceList.fromMicros(u.possibleMicros()).toPlainString(),
                    u.reportedMicros() == null ? "" : PriceList.fromMicros(u.reportedMicros()).toPlainString(), prices.currency()))
                    .append('\n');
        }
        return out.toString();
    }

    /** Quoted when it holds a comma, a quote or a line break; a leading = + - @ is defused (spreadsheet formulas). */
    static String csvField(String value) {
        var text = value == null ? "" : value;
        if (!text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        return text.matches(".*[,\"\\r\\n].*") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }

    /** [from, to): from defaults to the start of this UTC month, to to now. */
    private static Instant[] period(String from, String to) {
        var now = Instant.now();
        var start = from == null || from.isBlank() ? Budgets.monthStart(now) : instant("from", from);
        var end = to == null || to.isBlank() ? now.plusSeconds(1) : instant("to", to);
        if (!start.isBefore(end)) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("to", "'to' must be after 'from'.")));
        }
        return new Instant[] {start, end};
    }

    private static Instant instant(String field, String value) {
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError(field, "'" + field
                    + "' must be a date (2026-12-01) or an instant (2026-12-01T00:00:00Z).")));
        }
    }
}
