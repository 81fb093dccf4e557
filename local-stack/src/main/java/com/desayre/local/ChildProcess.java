package com.desayre.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A supervised child process with its own log file: started again after a short delay whenever it dies
 * without being asked to stop (as Kubernetes restarts a crashed container), so a {@code kill -9} is a
 * crash the cluster recovers from. Its settings travel in the environment, never on the command line,
 * where any user of the machine could read the secrets among them.
 */
final class ChildProcess implements ClusterPart {
    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private final int port;
    private final Duration restartDelay;
    private Process process;
    private boolean wanted;
    private int restarts;

    ChildProcess(String name, List<String> command, Map<String, String> environment, Path log, int port, Duration restartDelay) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.log = log;
        this.port = port;
        this.restartDelay = restartDelay;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void start() {
        wanted = true;
        if (process == null || !process.isAlive()) {
            launch();
        }
    }

    private void launch() {
        try {
            Files.createDirectories(log.getParent());
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            var started = builder.start();
            note("started, pid " + started.pid());
            process = started;
            started.onExit().thenRun(() -> exited(started));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + ")", e);
        }
    }

    /** Restarts a process that died unasked, once, after the delay; a newer process or a stop wins. */
    private synchronized void exited(Process gone) {
        if (gone != process) {
            return;
        }
        note("exited with status " + gone.exitValue());
        if (wanted) {
            CompletableFuture.delayedExecutor(restartDelay.toMillis(), TimeUnit.MILLISECONDS).execute(this::restart);
        }
    }

    private synchronized void restart() {
        if (wanted && !process.isAlive()) {
            restarts++;
            launch();
        }
    }

    /**
     * No more restarts, without stopping: on Ctrl-C the terminal signals every child at once, and the
     * supervisor must not start them again while the cluster shuts down.
     */
    synchronized void noMoreRestarts() {
        wanted = false;
    }

    @Override
    public void stop() {
        Process running;
        synchronized (this) {
            wanted = false;
            running = process;
        }
        if (running == null || !running.isAlive()) {
            return;
        }
        running.destroy(); // SIGTERM: the JVM's shutdown hooks run (Spring closes, a Kafka node shuts down cleanly)
        try {
            if (!running.waitFor(30, TimeUnit.SECONDS)) {
                note("did not stop within 30 s: killed");
                running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the process and returns once it is gone (its restart comes {@code restartDelay} later). */
    @Override
    public void kill() {
        Process running;
        synchronized (this) {
            running = process;
            if (running == null || !running.isAlive()) {
                return;
            }
            note("killed (SIGKILL) by the cluster's control");
            running.destroyForcibly();
        }
        try {
            running.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    @Override
    public synchronized String state() {
        if (process != null && process.isAlive()) {
            return "running";
        }
        return wanted ? "restarting" : "stopped";
    }

    @Override
    public synchronized int restarts() {
        return restarts;
    }

    @Override
    public int port() {
        return port;
    }

    Path log() {
        return log;
    }

    /** A line of the supervisor's own in the process's log, so the log tells its whole story. */
    private void note(String what) {
        try {
            Files.writeString(log, "[desayre-cluster] " + Instant.now() + " " + name + " " + what + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is for people; a process that runs matters more than a line about it
        }
    }
}
