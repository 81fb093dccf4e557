package com.desayre.gateway;

import java.util.Optional;

/**
 * One HTTP byte range (RFC 9110 §14.1.2) resolved against an object's size. A header this does
 * not handle (several ranges, another unit, garbage) is ignored, which the RFC allows: the
 * client then gets the whole object with 200.
 *
 * @param first first byte, inclusive
 * @param last  last byte, inclusive
 */
record ByteRange(long first, long last, boolean satisfiable) {

    long length() {
        return last - first + 1;
    }

    static Optional<ByteRange> parse(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return Optional.empty();
        }
        var spec = header.substring("bytes=".length()).strip();
        var dash = spec.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        try {
            var start = spec.substring(0, dash).strip();
            var end = spec.substring(dash + 1).strip();
            if (start.isEmpty()) {
                // a suffix: the last N bytes
                var suffix = Long.parseLong(end);
                if (suffix <= 0 || size == 0) {
                    return Optional.of(new ByteRange(0, 0, false));
                }
                return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1, true));
            }
            var first = Long.parseLong(start);
            var last = end.isEmpty() ? size - 1 : Math.min(Long.parseLong(end), size - 1);
            if (first >= size || last < first) {
                return Optional.of(new ByteRange(0, 0, false));
            }
            return Optional.of(new ByteRange(first, last, true));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
