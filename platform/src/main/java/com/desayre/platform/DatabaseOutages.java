package com.desayre.platform;

import java.time.Duration;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL away (restarting, failing over, unreachable): told apart from every other failure, and waited out
 * where giving up would lose work. Found by {@code ./desayre chaos}: a worker's intake gave up on a valid job after
 * three tries in two seconds of a 20-second PostgreSQL restart, dead-lettered it, and the job stayed ENCODED for ever.
 */
public final class DatabaseOutages {
    private static final Logger log = LoggerFactory.getLogger(DatabaseOutages.class);
    // by name: platform does not depend on Spring's data access or on R2DBC, the services that use them do
    private static final Set<String> AWAY = Set.of(
            "org.springframework.dao.DataAccessResourceFailureException",
            "org.springframework.dao.TransientDataAccessResourceException",
            "io.r2dbc.spi.R2dbcTransientResourceException",
            "io.r2dbc.spi.R2dbcNonTransientResourceException",
            "java.net.ConnectException");
    private static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);
    private static final Duration SAY_EVERY = Duration.ofSeconds(30);

    /** Whether the failure, or anything that caused it, says the database cannot be reached. */
    public static boolean databaseAway(Throwable error) {
        for (var cause = error; cause != null; cause = cause.getCause()) {
            for (Class<?> type = cause.getClass(); type != null; type = type.getSuperclass()) {
                if (AWAY.contains(type.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Runs {@code work} until it stops failing because the database is away, pausing 0.5 s doubling to 10 s between
     * tries and saying so every 30 s; any other failure is thrown at once. There is no limit but the thread's
     * interruption (the service stopping): a consumer that waits here past {@code max.poll.interval.ms} loses its
     * partitions, and its records are delivered again, which the idempotent work absorbs.
     *
     * @param what what is waiting, for the log ("job 1234 waits to be recorded")
     */
    public static <T> T waitOut(String what, Supplier<T> work) {
        return waitOut(what, DatabaseOutages::databaseAway, work::get);
    }

    /** Work that may throw a checked exception, e.g. a media store's {@code IOException}. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T get() throws E;
    }

    /**
     * {@link #waitOut(String, Supplier)} for any server whose absence {@code away} tells apart: the media store
     * ({@link #serverAway}) as well as the database; {@code work}'s other failures are thrown at once, as they are.
     */
    public static <T, E extends Exception> T waitOut(String what, Predicate<Throwable> away, Work<T, E> work) throws E {
        var pause = FIRST_PAUSE;
        long started = System.nanoTime();
        long saidAt = 0;
        while (true) {
            try {
                return work.get();
            } catch (Exception e) {
                if (!away.test(e)) {
                    throw e;
                }
                long now = System.nanoTime();
                if (saidAt == 0 || now - saidAt >= SAY_EVERY.toNanos()) {
                    log.warn("Waiting out a server that is away ({}): {} ({} s so far)", e.getClass().getSimpleName(), what,
                            Duration.ofNanos(now - started).toSeconds());
                    saidAt = now;
                }
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    /**
     * Whether the failure, or anything that caused it, says a server (the database, the media store) cannot be
     * reached at all: its connection was refused or found no route, or it answered 503 (S3's "unavailable").
     * A server that answers and refuses the request is not away: retrying in place would not help.
     */
    public static boolean serverAway(Throwable error) {
        if (databaseAway(error)) {
            return true;
        }
        for (var cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.NoRouteToHostException
                    || cause instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws && aws.statusCode() == 503) {
                return true;
            }
        }
        return false;
    }

    private DatabaseOutages() {
    }
}
