package com.desayre.contracts;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the providers charge, per model, each price with the day (UTC) it applies from: the one in force on a
 * day is the latest whose {@code from} is not after it. The workers price ledger entries with it, the gateway
 * what a request would cost against a budget. Configured as {@code desayre.pricing} (docs/costs.md).
 *
 * @param currency the prices' currency, e.g. {@code USD}
 * @param models   per model id, its prices over time (any order)
 */
public record PriceList(String currency, Map<String, List<Price>> models) {

    public static final PriceList NONE = new PriceList("USD", Map.of());
    private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);

    public PriceList {
        currency = currency == null || currency.isBlank() ? "USD" : currency.strip();
        models = models == null ? Map.of() : models.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
                e -> e.getValue().stream().sorted(Comparator.comparing(Price::from)).toList()));
    }

    /**
     * One price of a model from a day on.
     *
     * @param from        the first day (UTC) it applies
     * @param perOutput   per output (an image)
     * @param perSecond   per second of video
     * @param perSecondAt per second of video at a resolution (e.g. {@code 720p}); wins over {@code perSecond}
     */
    public record Price(LocalDate from, BigDecimal perOutput, BigDecimal perSecond, Map<String, BigDecimal> perSecondAt) {
        public Price {
            from = from == null ? LocalDate.EPOCH : from;
            perOutput = perOutput == null ? BigDecimal.ZERO : perOutput;
            perSecond = perSecond == null ? BigDecimal.ZERO : perSecond;
            perSecondAt = perSecondAt == null ? Map.of() : Map.copyOf(perSecondAt);
        }

        public BigDecimal of(long outputs, long seconds, String resolution) {
            var second = resolution == null ? perSecond : perSecondAt.getOrDefault(resolution, perSecond);
            return perOutput.multiply(BigDecimal.valueOf(outputs)).add(second.multiply(BigDecimal.valueOf(seconds)));
        }
    }

    /** The model's price on the day of {@code at}; null when none is configured for that day. */
    public Price priceOf(String model, Instant at) {
        var day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        Price found = null;
        for (var price : models.getOrDefault(model, List.of())) {
            if (!price.from().isAfter(day)) {
                found = price;
            }
        }
        return found;
    }

    public boolean prices(String model, Instant at) {
        return priceOf(model, at) != null;
    }

    /** What {@code outputs} outputs and {@code seconds} seconds of {@code model} cost on the day of {@code at}, in millionths; 0 unpriced. */
    public long micros(String model, long outputs, long seconds, String resolution, Instant at) {
        var price = priceOf(model, at);
        return price == null ? 0 : toMicros(price.of(outputs, seconds, resolution));
    }

    public static long toMicros(BigDecimal amount) {
        return amount.multiply(MICROS).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    public static BigDecimal fromMicros(long micros) {
        var amount = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return amount.scale() < 2 ? amount.setScale(2, RoundingMode.UNNECESSARY) : amount;
    }

    /** What a submission of {@code spec} is billed for: outputs for an image or edit, seconds at a resolution for a video. */
    public static Quantity quantityOf(JobSpec spec) {
        if (spec.kind() == JobKind.VIDEO) {
            return new Quantity(0, spec.durationSeconds() == null ? RequestRules.DEFAULT_VIDEO_SECONDS : spec.durationSeconds(),
                    spec.resolution() == null ? RequestRules.DEFAULT_VIDEO_RESOLUTION : spec.resolution());
        }
        return new Quantity(1, 0, null);
    }

    public record Quantity(int outputs, int videoSeconds, String resolution) {
    }
}
