package com.desayre.platform;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * One log line per outage instead of one per failed call. Work that runs on a timer or per request (a dispatcher's
 * tick, a credential check) fails on every call while PostgreSQL is away: the chaos run's 30 s outage wrote 240
 * warnings from the workers' dispatchers and 750 from the gateways, burying everything else. Here the first failure
 * of a kind is logged, then at most one line every {@code every} with how many failed meanwhile, then one line when
 * a call succeeds again. A failure that is not an outage is logged every time, as before.
 * Thread-safe; cheap when nothing fails.
 */
public final class OutageLog {
    private final Logger log;
    private final String what;
    private final Duration every;
    private final LongSupplier clock;
    private long startedAt;
    private long saidAt;
    private long failedSinceSaid;
    private long failedInAll;
    private volatile boolean out;

    /**
     * @param log   the logger of the class whose calls fail
     * @param what  what failed, as a sentence start: "Could not look for due jobs"
     * @param every at most one line per this while the outage lasts
     */
    public OutageLog(Logger log, String what, Duration every) {
        this(log, what, every, System::nanoTime);
    }

    OutageLog(Logger log, String what, Duration every, LongSupplier clock) {
        this.log = log;
        this.what = what;
        this.every = every;
        this.clock = clock;
    }

    /** A call failed; {@code outage} whether it failed because a server is away (then it is counted, not logged each time). */
    public void failed(Throwable error, boolean outage) {
        if (!outage) {
            log.warn("{}: {}", what, error.toString());
            return;
        }
        long now = clock.getAsLong();
        synchronized (this) {
            failedInAll++;
            if (!out) {
                out = true;
                startedAt = now;
                saidAt = now;
                failedSinceSaid = 0;
                log.warn("{}: {} (a server is away; said again every {} s while it lasts)", what, error.toString(), every.toSeconds());
            } else if (now - saidAt >= every.toNanos()) {
                log.warn("{}: still away after {} s, {} more failure(s); the last: {}", what,
                        Duration.ofNanos(now - startedAt).toSeconds(), failedSinceSaid + 1, error.toString());
                saidAt = now;
                failedSinceSaid = 0;
            } else {
                failedSinceSaid++;
            }
        }
    }

    /** {@link #failed(Throwable, boolean)} with {@link DatabaseOutages#serverAway} deciding what an outage is. */
    public void failed(Throwable error) {
        failed(error, DatabaseOutages.serverAway(error));
    }

    /** A call succeeded: an outage that was being counted is over, and is said to be. */
    public void succeeded() {
        if (!out) {
            return;
        }
        synchronized (this) {
            if (out) {
                out = false;
                log.info("{}: the server is back after {} s ({} failure(s) in all)", what,
                        Duration.ofNanos(clock.getAsLong() - startedAt).toSeconds(), failedInAll);
                failedInAll = 0;
            }
        }
    }
}
