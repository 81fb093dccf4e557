package com.desayre.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Follows jobs to their end through each job's SSE stream ({@code /api/jobs/{id}/events}: the current status first, then
 * each change, ending after a terminal one). One reader thread per job; this thread alone writes: on a terminal it
 * redraws one live line per job a few times a second, otherwise it prints a plain line per status change. A stream that
 * breaks (a gateway restart, a dropped connection) or goes silent is opened again, where the job then stands.
 */
final class Follow {
    /** The gateway sends a keep-alive comment every few seconds: this long without a line means the stream is dead. */
    static final Duration SILENCE = Duration.ofSeconds(60);
    /** How long the server may stay unreachable while following before the CLI gives up (exit 5). */
    static final Duration GIVE_UP = Duration.ofMinutes(2);
    private static final Duration REDRAW = Duration.ofMillis(250);

    private final Api api;
    private final Io io;
    private final boolean live;
    private final boolean quiet;

    /** {@code live}: redraw lines in place; {@code quiet}: print nothing (--json prints the result at the end). */
    Follow(Api api, Io io, boolean live, boolean quiet) {
        this.api = api;
        this.io = io;
        this.live = live && !quiet;
        this.quiet = quiet;
    }

    /** Until every job ended: their last status, in the order given. */
    Map<String, Job> untilDone(List<String> jobIds) {
        var updates = new LinkedBlockingQueue<Object>();
        var jobs = new LinkedHashMap<String, Job>();
        var printed = new java.util.HashMap<String, String>();
        var watchers = new ArrayList<Watcher>();
        for (var id : jobIds) {
            jobs.put(id, Job.connecting(id));
            var watcher = new Watcher(id, updates);
            watchers.add(watcher);
            var thread = new Thread(watcher, "follow-" + id);
            thread.setDaemon(true);
            thread.start();
        }
        var started = Instant.now(io.clock());
        var restoreCursor = new Thread(() -> {
            io.out().print(ProgressLine.SHOW_CURSOR);
            io.out().flush();
            io.err().println(System.lineSeparator() + "Stopped following; the jobs go on. Follow one again with ./desayre get <jobId>.");
        });
        if (live) {
            io.out().print(ProgressLine.HIDE_CURSOR);
            Runtime.getRuntime().addShutdownHook(restoreCursor);
        }
        int drawn = 0;
        int tick = 0;
        try {
            while (jobs.values().stream().anyMatch(job -> !job.terminal())) {
                var update = updates.poll(REDRAW.toMillis(), TimeUnit.MILLISECONDS);
                for (; update != null; update = updates.poll()) {
                    if (update instanceof CliException failure) {
                        throw failure;
                    }
                    var job = (Job) update;
                    jobs.put(job.jobId(), job);
                    if (!live && !quiet && !job.status().equals(printed.put(job.jobId(), job.status()))) {
                        io.out().println(ProgressLine.plain(job, Duration.between(started, Instant.now(io.clock()))));
                    }
                }
                for (var watcher : watchers) {
                    watcher.closeIfSilent();
                }
                if (live) {
                    drawn = draw(jobs, started, tick++, drawn);
                }
            }
            if (live) {
                draw(jobs, started, tick, drawn);
            }
            return jobs;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(Exit.UNREACHABLE, "Interrupted.");
        } finally {
            watchers.forEach(Watcher::stop);
            if (live) {
                io.out().print(ProgressLine.SHOW_CURSOR);
                io.out().flush();
                try {
                    Runtime.getRuntime().removeShutdownHook(restoreCursor);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway
                }
            }
        }
    }

    private int draw(Map<String, Job> jobs, Instant started, int tick, int drawn) {
        var elapsed = Duration.between(started, Instant.now(io.clock()));
        var lines = jobs.values().stream().map(job -> ProgressLine.line(job, elapsed, io.width(), tick)).toList();
        io.out().print(ProgressLine.frame(lines, drawn));
        io.out().flush();
        return lines.size();
    }

    /** Reads one job's event stream into {@code updates}, opening it again until the job ended. */
    private final class Watcher implements Runnable {
        private final String jobId;
        private final BlockingQueue<Object> updates;
        private final AtomicReference<Stream<String>> open = new AtomicReference<>();
        private volatile Instant lastLine = Instant.now();
        private volatile boolean stopped;

        Watcher(String jobId, BlockingQueue<Object> updates) {
            this.jobId = jobId;
            this.updates = updates;
        }

        @Override
        public void run() {
            Instant failingSince = null;
            int attempt = 0;
            while (!stopped) {
                try {
                    if (read()) {
                        return;
                    }
                    failingSince = null;
                    attempt = 0;
                } catch (CliException e) {
                    if (e.exitCode != Exit.UNREACHABLE) {
                        updates.add(e);
                        return;
                    }
                    failingSince = failingSince == null ? Instant.now() : failingSince;
                    if (gaveUp(failingSince, e.getMessage())) {
                        return;
                    }
                } catch (RuntimeException broken) {
                    // the stream broke while being read (or sent what is not a job): open it again, for a while
                    failingSince = failingSince == null ? Instant.now() : failingSince;
                    if (gaveUp(failingSince, "The event stream of job " + jobId + " keeps breaking (" + broken.getMessage() + ").")) {
                        return;
                    }
                }
                if (stopped) {
                    return;
                }
                Api.pause(Duration.ofMillis(Math.min(5000, 250L << Math.min(attempt++, 5))));
            }
        }

        private boolean gaveUp(Instant failingSince, String why) {
            if (Duration.between(failingSince, Instant.now()).compareTo(GIVE_UP) <= 0) {
                return false;
            }
            updates.add(new CliException(Exit.UNREACHABLE, why + System.lineSeparator()
                    + "Job " + jobId + " goes on without the CLI: ./desayre get " + jobId + " follows it again."));
            return true;
        }

        /** One stream, to its end: true once the job ended (or the session was signed out). */
        private boolean read() {
            var stream = api.events("/api/jobs/" + jobId + "/events");
            open.set(stream);
            lastLine = Instant.now();
            try (stream) {
                String event = null;
                var data = new StringBuilder();
                for (var lines = stream.iterator(); lines.hasNext() && !stopped; ) {
                    var line = lines.next();
                    lastLine = Instant.now();
                    if (line.isEmpty()) {
                        if (data.length() > 0 && dispatch(event, data.toString())) {
                            return true;
                        }
                        event = null;
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        event = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        data.append(data.length() > 0 ? "\n" : "").append(line.substring(5).stripLeading());
                    }
                }
            } finally {
                open.set(null);
            }
            return false;
        }

        private boolean dispatch(String event, String data) {
            if ("signed-out".equals(event)) {
                var detail = Api.JSON.readTree(data).path("detail").asString("the session or API key was signed out");
                updates.add(new CliException(Exit.REFUSED, "Signed out while following job " + jobId + ": " + detail
                        + System.lineSeparator() + "Sign in again with ./desayre login; the job goes on (./desayre get " + jobId + ")."));
                return true;
            }
            if (!"status".equals(event)) {
                return false;
            }
            var job = Api.JSON.readValue(data, Job.class);
            updates.add(job);
            return job.terminal();
        }

        void closeIfSilent() {
            var stream = open.get();
            if (stream != null && Duration.between(lastLine, Instant.now()).compareTo(SILENCE) > 0) {
                stream.close();
            }
        }

        void stop() {
            stopped = true;
            var stream = open.get();
            if (stream != null) {
                stream.close();
            }
        }
    }
}
