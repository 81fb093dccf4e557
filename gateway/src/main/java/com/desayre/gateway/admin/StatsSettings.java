package com.desayre.gateway.admin;

import com.desayre.contracts.RequestRules;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code desayre.stats.*}: what {@code GET /api/admin/stats} needs beyond the projections.
 *
 * @param currency            the prices' currency, for display (default {@code USD})
 * @param prices              per model id: what one finished job costs at the provider, an estimate
 *                            from the provider's price list; a model not listed is shown as unpriced
 * @param defaultVideoSeconds the length a video costs when its request named none (default {@code RequestRules.DEFAULT_VIDEO_SECONDS},
 *                            what every door gives a video that names none; 1 to 15)
 * @param topUsers            how many users the top-users list shows (default 10, at most 100)
 */
@ConfigurationProperties("desayre.stats")
@Validated
record StatsSettings(@NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be a three-letter currency code such as USD") String currency,
                     @NotNull Map<String, @Valid Price> prices, @NotNull @Min(1) @Max(15) Integer defaultVideoSeconds,
                     @NotNull @Min(1) @Max(100) Integer topUsers) {

    StatsSettings {
        currency = currency == null ? "USD" : currency.strip();
        prices = prices == null ? Map.of() : Map.copyOf(prices);
        defaultVideoSeconds = defaultVideoSeconds == null ? RequestRules.DEFAULT_VIDEO_SECONDS : defaultVideoSeconds;
        topUsers = topUsers == null ? 10 : topUsers;
    }

    /**
     * One model's price: per output (an image) and/or per second of video, which may differ by resolution.
     *
     * @param perOutput       per stored output, e.g. one image
     * @param perSecond       per second of video
     * @param perSecondAt     per second of video at a resolution (e.g. {@code 720p}), wins over {@code perSecond}
     */
    record Price(@DecimalMin("0") BigDecimal perOutput, @DecimalMin("0") BigDecimal perSecond,
                 Map<String, @DecimalMin("0") BigDecimal> perSecondAt) {
        Price {
            perOutput = perOutput == null ? BigDecimal.ZERO : perOutput;
            perSecond = perSecond == null ? BigDecimal.ZERO : perSecond;
            perSecondAt = perSecondAt == null ? Map.of() : Map.copyOf(perSecondAt);
        }

        BigDecimal of(long outputs, long seconds, String resolution) {
            var second = resolution == null ? perSecond : perSecondAt.getOrDefault(resolution, perSecond);
            return perOutput.multiply(BigDecimal.valueOf(outputs)).add(second.multiply(BigDecimal.valueOf(seconds)));
        }
    }
}
