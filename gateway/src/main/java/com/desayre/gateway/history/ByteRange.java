package com.desayre.gateway.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One HTTP byte range (RFC 9110 §14.1.2) resolved against an object's size.
 *
 * @param first first byte, inclusive
 * @param last  last byte, inclusive
 */
record ByteRange(long first, long last) {
    /**
     * More parts than this after coalescing, and the header is ignored (the whole object, 200):
     * the RFC allows it, and a thousand tiny ranges would cost a store read each.
     */
    static final int MAX_PARTS = 32;

    long length() {
        return last - first + 1;
    }

    /**
     * The ranges to send, in order, overlapping or adjacent ones merged into one (RFC 9110
     * §14.2 lets a server coalesce them). Empty Optional: ignore the header and send the whole
     * object (no header, another unit, a syntax error, too many parts). An empty list: none of
     * the ranges is satisfiable (416).
     */
    static Optional<List<ByteRange>> parse(String header, long size) {
        if (header == null || !header.startsWith("bytes=")) {
            return Optional.empty();
        }
        var satisfiable = new ArrayList<ByteRange>();
        for (var spec : header.substring("bytes=".length()).split(",", -1)) {
            var range = one(spec.strip(), size);
            if (range == null) {
                return Optional.empty();
            }
            range.ifPresent(satisfiable::add);
        }
        var ranges = coalesce(satisfiable);
        return ranges.size() > MAX_PARTS ? Optional.empty() : Optional.of(ranges);
    }

    /** null: not a range spec at all; empty: a range spec this object cannot satisfy. */
    private static Optional<ByteRange> one(String spec, long size) {
        var dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            var start = spec.substring(0, dash).strip();
            var end = spec.substring(dash + 1).strip();
            if (start.isEmpty()) {
                // a suffix: the last N bytes
                var suffix = Long.parseLong(end);
                if (suffix < 0) {
                    return null;
                }
                return suffix == 0 || size == 0 ? Optional.empty() : Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
            }
            var first = Long.parseLong(start);
            var requestedLast = end.isEmpty() ? Long.MAX_VALUE : Long.parseLong(end);
            if (first < 0 || requestedLast < first) {
                return null;
            }
            return first >= size ? Optional.empty() : Optional.of(new ByteRange(first, Math.min(requestedLast, size - 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<ByteRange> coalesce(List<ByteRange> ranges) {
        var sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong(ByteRange::first));
        var merged = new ArrayList<ByteRange>();
        for (var range : sorted) {
            var previous = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (previous != null && range.first() <= previous.last() + 1) {
                merged.set(merged.size() - 1, new ByteRange(previous.first(), Math.max(previous.last(), range.last())));
            } else {
                merged.add(range);
            }
        }
        return merged;
    }
}
