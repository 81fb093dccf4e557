package com.desayre.providersim;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-request scripting through the prompt. A test writes {@code [sim:NAME]} or
 * {@code [sim:NAME=VALUE]} anywhere in a prompt; the simulator applies it to that one job and
 * strips it before the prompt is rendered or echoed. Names are case-insensitive.
 *
 * <ul>
 *   <li>{@code [sim:sync]} / {@code [sim:async]}: answer this submit synchronously / with {@code processing}</li>
 *   <li>{@code [sim:latency=1500]}: this job's output exists 1500 ms after the submit</li>
 * </ul>
 *
 * Faults (see {@link Faults}) script how a provider misbehaves: {@code [sim:fail=429]},
 * {@code [sim:http200error]}, {@code [sim:reset]}, {@code [sim:slow=5000]}, {@code [sim:malformed]},
 * {@code [sim:never]}, {@code [sim:expire]}, {@code [sim:nsfw]}, {@code [sim:poll-fail=503]}, limited
 * by {@code [sim:times=2]} and {@code [sim:chance=20]}.
 *
 * An unknown name or a bad value is rejected, so a typo in a test fails loudly. To add a
 * directive: add a field (or a {@link Faults} name), a case in {@link #apply}, and read it
 * where the job is handled.
 *
 * @param prompt  the prompt with every directive removed and whitespace tidied
 * @param mode    forced mode, or {@code null} for the simulator's default
 * @param latency forced latency, or {@code null} for the simulator's default
 * @param faults  the faults this request asks for ({@link Faults#NONE} if none)
 */
record Directives(String prompt, SimulatorSettings.Mode mode, Duration latency, Faults faults) {

    private static final Pattern DIRECTIVE =
            Pattern.compile("\\[sim:\\s*([A-Za-z][A-Za-z0-9_-]*)\\s*(?:=\\s*([^\\]]*?)\\s*)?]", Pattern.CASE_INSENSITIVE);

    /** A directive the simulator does not understand; the message names it. */
    static final class InvalidDirectiveException extends IllegalArgumentException {
        InvalidDirectiveException(String message) {
            super(message);
        }
    }

    static final Directives NONE = new Directives("", null, null, Faults.NONE);

    static Directives parse(String rawPrompt) {
        if (rawPrompt == null) {
            return NONE;
        }
        Matcher m = DIRECTIVE.matcher(rawPrompt);
        Directives result = new Directives(null, null, null, Faults.NONE);
        StringBuilder clean = new StringBuilder();
        int last = 0;
        while (m.find()) {
            clean.append(rawPrompt, last, m.start()).append(' ');
            last = m.end();
            result = result.apply(m.group(0), m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        clean.append(rawPrompt.substring(last));
        String tidy = clean.toString().replaceAll("\\s+", " ").strip();
        return new Directives(tidy, result.mode, result.latency, result.faults);
    }

    private Directives apply(String token, String name, String value) {
        switch (name) {
            case "sync":
                noValue(token, value);
                return new Directives(prompt, SimulatorSettings.Mode.SYNC, latency, faults);
            case "async":
                noValue(token, value);
                return new Directives(prompt, SimulatorSettings.Mode.ASYNC, latency, faults);
            case "latency":
                return new Directives(prompt, mode, Duration.ofMillis(millis(token, value)), faults);
            default:
                if (Faults.knows(name)) {
                    return new Directives(prompt, mode, latency, faults.with(token, name, value));
                }
                throw new InvalidDirectiveException("Unknown simulator directive " + token);
        }
    }

    static void noValue(String token, String value) {
        if (value != null) {
            throw new InvalidDirectiveException("Simulator directive " + token + " takes no value");
        }
    }

    static long millis(String token, String value) {
        long ms;
        try {
            ms = Long.parseLong(value == null ? "" : value);
        } catch (NumberFormatException e) {
            throw new InvalidDirectiveException("Simulator directive " + token + " needs a whole number of milliseconds");
        }
        if (ms < 0 || ms > SimulatorSettings.MAX_LATENCY.toMillis()) {
            throw new InvalidDirectiveException("Simulator directive " + token + " must be 0.."
                    + SimulatorSettings.MAX_LATENCY.toMillis() + " ms");
        }
        return ms;
    }

    SimulatorSettings.Mode modeOr(SimulatorSettings.Mode fallback) {
        return mode != null ? mode : fallback;
    }

    Duration latencyOr(Duration fallback) {
        return latency != null ? latency : fallback;
    }
}
