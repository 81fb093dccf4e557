package com.desayre.cli;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How a job looks while the CLI follows it. On a terminal: one line per job, redrawn in place ({@link #frame}) with the
 * status, the place in line while WAITING, a progress bar where the status carries progress, and the time since the CLI
 * started following it. Not on a terminal: {@link #plain}, one line per status change, for logs and scripts.
 */
final class ProgressLine {
    static final int BAR = 20;
    private static final String SPINNER = "|/-\\";
    private static final String ESC = "\u001b[";

    private ProgressLine() {
    }

    /** One job's live line, cut to {@code width - 1} columns (a line that wraps would break the redraw). */
    static String line(Job job, Duration elapsed, int width, int tick) {
        var text = String.format(Locale.ROOT, "%-8s %-5s %-10s %s", shortId(job.jobId()), kind(job), job.status(), detail(job, tick));
        var clock = " " + elapsed(elapsed);
        int room = Math.max(10, width - 1 - clock.length());
        if (text.length() > room) {
            text = text.substring(0, room - 1) + "~";
        }
        return String.format(Locale.ROOT, "%-" + room + "s%s", text, clock);
    }

    /** A status change as a plain line: the whole job id, so scripts can pick it up. */
    static String plain(Job job, Duration elapsed) {
        var detail = detail(job, -1);
        return job.jobId() + " " + job.status() + (detail.isBlank() ? "" : " " + detail) + " (" + elapsed(elapsed) + ")";
    }

    /**
     * The characters that redraw {@code lines} over the {@code previous} ones drawn: up to the first of them, then each
     * line cleared and written again.
     */
    static String frame(List<String> lines, int previous) {
        var out = new StringBuilder();
        if (previous > 0) {
            out.append(ESC).append(previous).append('A');
        }
        for (var line : lines) {
            out.append('\r').append(ESC).append("2K").append(line).append('\n');
        }
        return out.toString();
    }

    static final String HIDE_CURSOR = ESC + "?25l";
    static final String SHOW_CURSOR = ESC + "?25h";

    static String detail(Job job, int tick) {
        var status = job.status() == null ? "" : job.status();
        switch (status) {
            case "WAITING":
                if (job.queue() != null) {
                    var q = job.queue();
                    return "#" + q.position() + " in line, " + q.ahead() + " ahead"
                            + (q.etaSeconds() == null ? "" : ", ~" + elapsed(Duration.ofSeconds(q.etaSeconds())) + " to go");
                }
                break;
            case "RETRYING":
                if (job.retry() != null) {
                    return "attempt " + job.retry().attempt() + " of " + job.retry().maxAttempts() + message(job);
                }
                break;
            case "COMPLETED":
                return job.mediaOrNone().stream().map(ProgressLine::describe).reduce((a, b) -> a + ", " + b).orElse("done");
            case "FAILED":
                return job.error() == null ? message(job).strip() : job.error().code() + ": " + job.error().message();
            default:
                break;
        }
        if (job.progress() != null && !job.terminal()) {
            return bar(job.progress()) + message(job);
        }
        var text = message(job).strip();
        return tick < 0 || job.terminal() ? text : SPINNER.charAt(tick % SPINNER.length()) + (text.isEmpty() ? "" : " " + text);
    }

    /** {@code [=========>          ]  45%}. */
    static String bar(int percent) {
        int p = Math.max(0, Math.min(100, percent));
        int filled = p * BAR / 100;
        var bar = new StringBuilder("[");
        for (int i = 0; i < BAR; i++) {
            bar.append(i < filled ? '=' : i == filled && p < 100 ? '>' : ' ');
        }
        return bar.append("] ").append(String.format(Locale.ROOT, "%3d%%", p)).toString();
    }

    static String elapsed(Duration elapsed) {
        long s = Math.max(0, elapsed.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String describe(Job.Media media) {
        var type = media.mimeType() == null ? "" : media.mimeType().substring(media.mimeType().indexOf('/') + 1);
        var length = media.durationMs() == null ? "" : String.format(Locale.ROOT, " %.1f s", media.durationMs() / 1000.0);
        return media.width() + "x" + media.height() + " " + type + length;
    }

    private static String message(Job job) {
        return job.message() == null || job.message().isBlank() ? "" : "  " + job.message().strip();
    }

    private static String shortId(String jobId) {
        return jobId == null ? "?" : jobId.length() <= 8 ? jobId : jobId.substring(0, 8);
    }

    private static String kind(Job job) {
        return job.kind() == null ? "" : job.kind().toLowerCase(Locale.ROOT);
    }
}
