package com.desayre.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the CLI reads and writes: the real console, or a test's streams. {@code terminal} says whether standard output is
 * a terminal (live lines redrawn in place) or not (plain lines, one per status change); {@code width} is its width.
 */
record Io(Map<String, String> env, InputStream in, PrintStream out, PrintStream err, boolean terminal, int width, Clock clock) {
    static final int DEFAULT_WIDTH = 100;

    static Io system() {
        var terminal = stdoutIsTerminal() && !"dumb".equals(System.getenv("TERM"));
        return new Io(System.getenv(), System.in, new PrintStream(System.out, true, StandardCharsets.UTF_8),
                new PrintStream(System.err, true, StandardCharsets.UTF_8), terminal, terminal ? terminalWidth() : DEFAULT_WIDTH,
                Clock.systemUTC());
    }

    String env(String name) {
        var value = env.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** A secret: typed without echo on a terminal, otherwise the first line of standard input (for scripts). */
    String readSecret(String prompt) {
        var console = System.console();
        if (terminal && console != null && in == System.in) {
            var typed = console.readPassword("%s", prompt);
            return typed == null ? null : new String(typed);
        }
        return readLine();
    }

    /** A line typed at a prompt on a terminal, or the next line of standard input. */
    String readLine(String prompt) {
        var console = System.console();
        if (terminal && console != null && in == System.in) {
            return console.readLine("%s", prompt);
        }
        return readLine();
    }

    private String readLine() {
        try {
            // byte by byte: a buffered reader would swallow the lines after this one
            var line = new StringBuilder();
            for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
                line.append((char) b);
            }
            var text = new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? null : text;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * Java 22+ has {@code Console.isTerminal()} (there {@code System.console()} is never null); on 17–21 a console exists
     * only when both standard input and output are a terminal.
     */
    private static boolean stdoutIsTerminal() {
        var console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) console.getClass().getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException notJava22) {
            return true;
        }
    }

    /** The terminal's width: $COLUMNS, else what {@code stty size} says about /dev/tty, else 100. */
    private static int terminalWidth() {
        try {
            var columns = System.getenv("COLUMNS");
            if (columns != null) {
                return Math.max(20, Integer.parseInt(columns.strip()));
            }
        } catch (NumberFormatException ignored) {
            // fall through to stty
        }
        try {
            var stty = new ProcessBuilder("sh", "-c", "stty size < /dev/tty").redirectErrorStream(true).start();
            try (var reader = new BufferedReader(new InputStreamReader(stty.getInputStream(), StandardCharsets.UTF_8))) {
                var answer = reader.readLine();
                if (stty.waitFor(2, TimeUnit.SECONDS) && stty.exitValue() == 0 && answer != null) {
                    return Math.max(20, Integer.parseInt(answer.strip().split("\\s+")[1]));
                }
            }
        } catch (Exception ignored) {
            // no stty: the default
        }
        return DEFAULT_WIDTH;
    }
}
