package com.desayre.gateway.admin;

import java.math.BigDecimal;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code desayre.stats.*}: what {@code GET /api/admin/stats} needs beyond the projections.
 *
 * @param currency            the prices' currency, for display (default {@code USD})
 * @param prices              per model id: what one finished job costs at the provider, an estimate
 *                            from the provider's price list; a model not listed is shown as unpriced
 * @param defaultVideoSeconds the length a video costs when its request named none (the worker's default, 8 s)
 * @param topUsers            how many users the top-users list shows (default 10)
 */
@ConfigurationProperties("desayre.stats")
record StatsSettings(String currency, Map<String, Price> prices, Integer defaultVideoSeconds, Integer topUsers) {

    StatsSettings {
        currency = currency == null || currency.isBlank() ? "USD" : currency;
        prices = prices == null ? Map.of() : Map.copyOf(prices);
        defaultVideoSeconds = defaultVideoSeconds == null || defaultVideoSeconds < 1 ? 8 : defaultVideoSeconds;
        topUsers = topUsers == null || topUsers < 1 ? 10 : Math.min(topUsers, 100);
    }

    /**
     * One model's price: per output (an image) and/or per second of video, which may differ by resolution.
     *
     * @param perOutput       per stored output, e.g. one image
     * @param perSecond       per second of video
     * @param perSecondAt     per second of video at a resolution (e.g. {@code 720p}), wins over {@code perSecond}
     */
    record Price(BigDecimal perOutput, BigDecimal perSecond, Map<String, BigDecimal> perSecondAt) {
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
