package com.desayre.storage;

import com.desayre.platform.DatabaseOutages;
import com.desayre.platform.DeadLetters;
import com.desayre.platform.JobEvents;
import com.desayre.platform.JobTrace;
import com.desayre.platform.PollSends;
import com.desayre.platform.PolledRecord;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.binder.ConsumerProperties;
import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * How a projection that upserts (requests, ledger entries) writes a poll (docs/architecture.md, "How a stage hands
 * off"): every record read in one statement, a database that is away waited out however long. Should that statement
 * fail for another reason, the records are written one at a time, each in its job's trace, to find the one at fault:
 * dead-lettered if it never can succeed (the binding's {@code retryable-exceptions}), else the poll stops there and is
 * delivered again from it (the binding's error handler, {@link DeadLetters#errorHandler}).
 *
 * @param <T> what a record is read into
 */
final class PollWriter<T> {
    private static final Logger log = LoggerFactory.getLogger(PollWriter.class);

    /** A record of the poll and what was read from it. */
    record Read<T>(PolledRecord record, T value) {
    }

    private final String what;
    private final Function<T, String> one;
    private final Consumer<List<T>> write;
    private final ConsumerProperties binding;
    private final JobEvents events;
    private final String dlq;

    /**
     * @param what  the records, for the log ("requests")
     * @param one   one of them, for the log ("the request of job 1234")
     * @param write writes some of them in one statement, idempotently (a poll may come again)
     */
    PollWriter(String what, Function<T, String> one, Consumer<List<T>> write, ConsumerProperties binding, JobEvents events,
            String dlq) {
        this.what = what;
        this.one = one;
        this.write = write;
        this.binding = binding;
        this.events = events;
        this.dlq = dlq;
    }

    /**
     * Writes what was read of a poll, then waits for the poll's sends (its dead letters, those of {@code sends} included).
     *
     * @throws BatchListenerFailedException at the first record to deliver again, with the records before it done
     */
    void write(List<Read<T>> read, PollSends sends) {
        var failure = read.isEmpty() ? null : writeAll(read, sends);
        failure = PollSends.Failure.earlier(failure, sends.firstFailure());
        if (failure != null) {
            throw new BatchListenerFailedException("Recording " + what + " again from record " + failure.index() + " of the poll: "
                    + failure.cause().getMessage(), failure.cause(), failure.index());
        }
    }

    private PollSends.Failure writeAll(List<Read<T>> read, PollSends sends) {
        try {
            DatabaseOutages.waitOut("a poll of " + read.size() + " " + what + " waits to be recorded", () -> {
                write.accept(read.stream().map(Read::value).toList());
                return null;
            });
            return null;
        } catch (RuntimeException e) {
            log.info("A poll of {} {} failed as one statement ({}): recording them one at a time", read.size(), what, e.toString());
        }
        for (var r : read) {
            try (var trace = JobTrace.resume(r.record().traceparent(), StoreMedia.STAGE)) {
                try {
                    DatabaseOutages.waitOut(one.apply(r.value()) + " waits to be recorded", () -> {
                        write.accept(List.of(r.value()));
                        return null;
                    });
                } catch (RuntimeException failed) {
                    if (!DeadLetters.neverSucceeds(binding, failed)) {
                        return new PollSends.Failure(r.record().index(), failed);
                    }
                    sends.add(r.record().index(), DeadLetters.publish(events, dlq, r.record(), failed));
                }
            }
        }
        return null;
    }
}
