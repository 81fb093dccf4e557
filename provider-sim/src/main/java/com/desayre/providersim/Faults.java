package com.desayre.providersim;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How one request should misbehave, from {@code [sim:...]} directives (or the simulator's
 * default faults, {@code SIM_FAULTS}). Submit-phase faults:
 *
 * <ul>
 *   <li>{@code fail=CODE}: answer HTTP CODE with ModelsLab's error body for it (401 bad key, 402
 *       credits, 403 plan, 400/422 validation, 404 model, 429 queue full with {@code retry_after},
 *       500/502/503/504 server error); no job is created</li>
 *   <li>{@code http200error}: the same error body with HTTP 200 (production's quirk); alone, a
 *       validation error</li>
 *   <li>{@code retry-after=S}: the {@code retry_after} (and {@code Retry-After}) of a 429, default 30</li>
 *   <li>{@code reset}: close the connection without an answer; no job is created</li>
 *   <li>{@code malformed}: HTTP 200 with a truncated JSON body; no job is created</li>
 *   <li>{@code slow=MS}: the job is created (and billed) but the answer comes MS later</li>
 *   <li>{@code echo-key}: error messages quote the API key received, as a careless provider might</li>
 * </ul>
 *
 * Job faults: {@code never} (stays {@code processing} / {@code pending} for ever), {@code expire}
 * (ModelsLab: its output URLs are gone, 404, by the time anyone downloads them; xAI: the poll
 * answers {@code expired}), {@code nsfw} (ModelsLab {@code nsfw_content_detected:true}; xAI
 * {@code respect_moderation:false}), {@code failed} (the job ends {@code failed}: ModelsLab
 * {@code {"status":"failed","message"}}, xAI {@code error{code,message}}),
 * {@code poll-fail=CODE} (fetches answer CODE), {@code poll-reset} (fetches drop the connection).
 *
 * <p>{@code times=N} makes each fault hit only the first N requests of the same job (same key and
 * {@code track_id}, else same prompt), then the request goes through: how a test scripts "fails
 * twice, then works". {@code chance=P} makes each request misbehave with probability P percent.
 */
record Faults(Map<String, String> values) {

    static final Faults NONE = new Faults(Map.of());

    private static final Set<String> FLAGS = Set.of("http200error", "reset", "malformed", "never", "expire", "nsfw",
            "echo-key", "failed", "poll-reset");
    private static final Set<String> CODES = Set.of("fail", "poll-fail");
    private static final Set<String> NUMBERS = Set.of("retry-after", "times", "chance");

    Faults {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    static boolean knows(String name) {
        return FLAGS.contains(name) || CODES.contains(name) || NUMBERS.contains(name) || name.equals("slow");
    }

    Faults with(String token, String name, String value) {
        String normalized;
        if (FLAGS.contains(name)) {
            Directives.noValue(token, value);
            normalized = "";
        } else if (CODES.contains(name)) {
            long code = number(token, value);
            if (code < 400 || code > 599) {
                throw new Directives.InvalidDirectiveException("Simulator directive " + token + " needs an HTTP error code 400..599");
            }
            normalized = Long.toString(code);
        } else if (name.equals("slow")) {
            normalized = Long.toString(Directives.millis(token, value));
        } else {
            long n = number(token, value);
            if (name.equals("chance") && n > 100) {
                throw new Directives.InvalidDirectiveException("Simulator directive " + token + " is a percentage, 0..100");
            }
            normalized = Long.toString(n);
        }
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(name.toLowerCase(Locale.ROOT), normalized);
        return new Faults(copy);
    }

    private static long number(String token, String value) {
        try {
            long n = Long.parseLong(value == null ? "" : value.strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Directives.InvalidDirectiveException("Simulator directive " + token + " needs a whole number");
        }
    }

    /** These faults first, then {@code later}'s: the request's own directives win over defaults. */
    Faults then(Faults later) {
        if (later.values.isEmpty()) {
            return this;
        }
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.putAll(later.values);
        return new Faults(copy);
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    /** As a {@code SIM_FAULTS} list would say it, e.g. {@code "fail=503 times=2 nsfw"}. */
    String describe() {
        StringBuilder text = new StringBuilder();
        values.forEach((name, value) -> {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(name);
            if (!value.isEmpty()) {
                text.append('=').append(value);
            }
        });
        return text.toString();
    }

    private boolean flag(String name) {
        return values.containsKey(name);
    }

    private Integer integer(String name) {
        String v = values.get(name);
        return v == null ? null : Integer.valueOf(v);
    }

    Integer fail() {
        return integer("fail");
    }

    Integer pollFail() {
        return integer("poll-fail");
    }

    boolean http200error() {
        return flag("http200error");
    }

    int retryAfterSeconds() {
        Integer s = integer("retry-after");
        return s == null ? 30 : s;
    }

    Integer times() {
        return integer("times");
    }

    Integer chance() {
        return integer("chance");
    }

    boolean reset() {
        return flag("reset");
    }

    boolean malformed() {
        return flag("malformed");
    }

    Duration slow() {
        String v = values.get("slow");
        return v == null ? null : Duration.ofMillis(Long.parseLong(v));
    }

    boolean never() {
        return flag("never");
    }

    boolean expire() {
        return flag("expire");
    }

    boolean nsfw() {
        return flag("nsfw");
    }

    boolean echoKey() {
        return flag("echo-key");
    }

    /** The job ends {@code failed}: ModelsLab {@code status:"failed"} with a message; xAI with {@code error{code,message}}. */
    boolean failed() {
        return flag("failed");
    }

    /** Polls of the job drop the connection. */
    boolean pollReset() {
        return flag("poll-reset");
    }

    /** Whether the submit itself misbehaves (as opposed to the job it creates). */
    boolean hasSubmitFault() {
        return fail() != null || (http200error() && pollFail() == null) || reset() || malformed() || slow() != null;
    }

    /** Parses {@code "fail=503, times=2 nsfw"} (a person's {@code SIM_FAULTS}) into faults. */
    static Faults parseList(String list) {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        StringBuilder directives = new StringBuilder();
        for (String item : list.strip().split("[,;\\s]+")) {
            if (!item.isBlank()) {
                directives.append("[sim:").append(item.strip()).append(']');
            }
        }
        Directives parsed = Directives.parse(directives.toString());
        if (parsed.mode() != null || parsed.latency() != null) {
            throw new IllegalArgumentException("faults take no mode or latency (use SIM_MODE / SIM_LATENCY_MS): " + list);
        }
        return parsed.faults();
    }
}
