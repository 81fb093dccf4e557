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
 * An unknown name or a bad value is rejected, so a typo in a test fails loudly. To add a
 * directive (e.g. {@code [sim:fail=429]}): add a field, a case in {@link #apply}, and read it
 * where the job is handled.
 *
 * @param prompt  the prompt with every directive removed and whitespace tidied
 * @param mode    forced mode, or {@code null} for the simulator's default
 * @param latency forced latency, or {@code null} for the simulator's default
 */
record Directives(String prompt, SimulatorSettings.Mode mode, Duration latency) {

    private static final Pattern DIRECTIVE =
            Pattern.compile("\\[sim:\\s*([A-Za-z][A-Za-z0-9_-]*)\\s*(?:=\\s*([^\\]]*?)\\s*)?]", Pattern.CASE_INSENSITIVE);

    /** A directive the simulator does not understand; the message names it. */
    static final class InvalidDirectiveException extends IllegalArgumentException {
        InvalidDirectiveException(String message) {
            super(message);
        }
    }

    static final Directives NONE = new Directives("", null, null);

    static Directives parse(String rawPrompt) {
        if (rawPrompt == null) {
            return NONE;
        }
        Matcher m = DIRECTIVE.matcher(rawPrompt);
        Directives result = new Directives(null, null, null);
        StringBuilder clean = new StringBuilder();
        int last = 0;
        while (m.find()) {
            clean.append(rawPrompt, last, m.start()).append(' ');
            last = m.end();
            result = result.apply(m.group(0), m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        clean.append(rawPrompt.substring(last));
        String tidy = clean.toString().replaceAll("\\s+", " ").strip();
        return new Directives(tidy, result.mode, result.latency);
    }

    private Directives apply(String token, String name, String value) {
        switch (name) {
            case "sync":
                noValue(token, value);
                return new Directives(prompt, SimulatorSettings.Mode.SYNC, latency);
            case "async":
                noValue(token, value);
                return new Directives(prompt, SimulatorSettings.Mode.ASYNC, latency);
            case "latency":
                return new Directives(prompt, mode, Duration.ofMillis(millis(token, value)));
            default:
                throw new InvalidDirectiveException("Unknown simulator directive " + token);
        }
    }

    private static void noValue(String token, String value) {
        if (value != null) {
            throw new InvalidDirectiveException("Simulator directive " + token + " takes no value");
        }
    }

    private static long millis(String token, String value) {
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
