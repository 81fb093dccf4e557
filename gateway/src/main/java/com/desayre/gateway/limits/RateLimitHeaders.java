package com.desayre.gateway.limits;

import java.util.List;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;

/**
 * The {@code RateLimit-Policy} and {@code RateLimit} fields of draft-ietf-httpapi-ratelimit-headers,
 * as Structured Field lists: each member is a quoted policy name with integer parameters, e.g.
 * {@code RateLimit-Policy: "user";q=30;w=60, "daily";q=500;w=86400} and
 * {@code RateLimit: "user";r=12;t=36, "daily";r=480;t=40211}.
 */
final class RateLimitHeaders {
    static final String POLICY = "RateLimit-Policy";
    static final String STATE = "RateLimit";

    /**
     * A policy: {@code quota} units per {@code windowSeconds} (null: no window, e.g. a concurrency
     * cap), counted in {@code unit} (null: the draft's default, requests; else a registered unit).
     */
    record Policy(String name, long quota, Long windowSeconds, String unit) {
    }

    /** Where a policy stands now: {@code remaining} units, back to full in {@code resetSeconds} (null: not time-based). */
    record State(String name, long remaining, Long resetSeconds) {
    }

    static String policies(List<Policy> policies) {
        return policies.stream().map(policy -> {
            var item = new StringBuilder(string(policy.name())).append(";q=").append(integer(policy.quota()));
            if (policy.windowSeconds() != null) {
                item.append(";w=").append(Math.max(1, integer(policy.windowSeconds())));
            }
            if (policy.unit() != null) {
                item.append(";qu=").append(string(policy.unit()));
            }
            return item.toString();
        }).collect(Collectors.joining(", "));
    }

    static String states(List<State> states) {
        return states.stream().map(state -> {
            var item = new StringBuilder(string(state.name())).append(";r=").append(integer(state.remaining()));
            if (state.resetSeconds() != null) {
                item.append(";t=").append(integer(state.resetSeconds()));
            }
            return item.toString();
        }).collect(Collectors.joining(", "));
    }

    static HttpHeaders of(List<Policy> policies, List<State> states) {
        var headers = new HttpHeaders();
        if (!policies.isEmpty()) {
            headers.set(POLICY, policies(policies));
            headers.set(STATE, states(states));
        }
        return headers;
    }

    /** Seconds, rounded up: a client that waits this long is never early. */
    static long seconds(long millis) {
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }

    /** An sf-integer: non-negative here, and at most 15 digits. */
    private static long integer(long value) {
        return Math.min(Math.max(0, value), 999_999_999_999_999L);
    }

    /** An sf-string: printable ASCII in quotes, with {@code "} and {@code \} escaped. */
    private static String string(String value) {
        var out = new StringBuilder("\"");
        for (var c : value.toCharArray()) {
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("not printable ASCII: " + value);
            }
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }

    private RateLimitHeaders() {
    }
}
