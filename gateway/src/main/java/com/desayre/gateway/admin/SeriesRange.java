package com.desayre.gateway.admin;

import com.desayre.gateway.web.ApiProblem;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The time range of {@code GET /api/admin/stats/series}: [{@code from}, {@code to}) cut into UTC hours or days. {@code from}
 * is moved back to the start of its bucket, so every bucket is whole and the chart's first point is not a partial one.
 *
 * @param bucket "hour" or "day" (PostgreSQL's date_trunc field)
 */
record SeriesRange(Instant from, Instant to, String bucket) {
    /** A month of hours, or two years of days: enough for any chart, small enough to answer at once. */
    static final int MAX_BUCKETS = 744;

    /**
     * From the query: {@code to} defaults to now; {@code from} to a day before {@code to} (hours) or 30 days (days);
     * {@code bucket} to hours for a range of up to two days, days beyond. Every refusal names its field.
     */
    static SeriesRange of(String fromText, String toText, String bucketText, Instant now) {
        var errors = new ArrayList<ApiProblem.FieldError>();
        var bucket = bucketText == null || bucketText.isBlank() ? null : bucketText.strip().toLowerCase(Locale.ROOT);
        if (bucket != null && !bucket.equals("hour") && !bucket.equals("day")) {
            errors.add(new ApiProblem.FieldError("bucket", "'bucket' must be hour or day."));
            bucket = "day";
        }
        var from = blank(fromText) ? null : instant("from", fromText, errors);
        var to = blank(toText) ? now : instant("to", toText, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        if (from == null) {
            from = to.minus("hour".equals(bucket) || bucket == null ? Duration.ofDays(1) : Duration.ofDays(30));
        }
        if (!from.isBefore(to)) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("to", "'to' must be after 'from'.")));
        }
        if (bucket == null) {
            bucket = Duration.between(from, to).compareTo(Duration.ofDays(2)) <= 0 ? "hour" : "day";
        }
        var unit = bucket.equals("hour") ? ChronoUnit.HOURS : ChronoUnit.DAYS;
        var start = from.truncatedTo(unit);
        var buckets = (Duration.between(start, to).toSeconds() + unit.getDuration().toSeconds() - 1) / unit.getDuration().toSeconds();
        if (buckets > MAX_BUCKETS) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("from", "The range holds " + buckets + " " + bucket
                    + "s; at most " + MAX_BUCKETS + " fit in one answer: shorten it" + (bucket.equals("hour") ? " or count by day." : "."))));
        }
        return new SeriesRange(start, to, bucket);
    }

    /** The start of every bucket, oldest first. */
    List<Instant> starts() {
        var step = bucket.equals("hour") ? Duration.ofHours(1) : Duration.ofDays(1);
        var starts = new ArrayList<Instant>();
        for (var at = from; at.isBefore(to) && starts.size() < MAX_BUCKETS; at = at.plus(step)) {
            starts.add(at);
        }
        return starts;
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static Instant instant(String field, String value, List<ApiProblem.FieldError> errors) {
        var text = value.strip();
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (DateTimeParseException e) {
            errors.add(new ApiProblem.FieldError(field, "'" + field + "' must be a date (2026-12-01) or an instant (2026-12-01T00:00:00Z)."));
            return null;
        }
    }
}
