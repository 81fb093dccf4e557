package com.desayre.platform;

import com.desayre.contracts.PriceList;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code desayre.pricing.*}: what each model costs at its provider, each price with the day it applies from
 * (docs/costs.md). Shared by every service because the workers price ledger entries with it and the gateway
 * checks budgets and shows stats with it: one list, so they never disagree.
 *
 * @param currency the prices' currency (default {@code USD})
 * @param models   per model id, its prices; a model not listed is charged 0 (its entries still counted)
 */
@ConfigurationProperties("desayre.pricing")
@Validated
public record PricingSettings(
        @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be a three-letter currency code such as USD") String currency,
        @NotNull Map<String, @NotEmpty List<@Valid DatedPrice>> models) {

    public PricingSettings {
        currency = currency == null ? "USD" : currency.strip();
        models = models == null ? Map.of() : Map.copyOf(models);
    }

    /**
     * @param from        the first day (UTC, {@code yyyy-MM-dd}) it applies; unset: always
     * @param perOutput   per output (an image)
     * @param perSecond   per second of video
     * @param perSecondAt per second of video at a resolution ({@code 480p}, {@code 720p}); wins over {@code perSecond}
     */
    public record DatedPrice(LocalDate from, @DecimalMin("0") BigDecimal perOutput, @DecimalMin("0") BigDecimal perSecond,
                             Map<String, @DecimalMin("0") BigDecimal> perSecondAt) {
    }

    public PriceList toPriceList() {
        return new PriceList(currency, models.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().stream().map(p -> new PriceList.Price(p.from(), p.perOutput(), p.perSecond(), p.perSecondAt()))
                        .toList())));
    }
}
