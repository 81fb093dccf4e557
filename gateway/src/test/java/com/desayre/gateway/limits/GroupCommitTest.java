package com.desayre.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The quota ledger's shared inserts: callers share a write, and each completes only when the write carrying its row did. */
class GroupCommitTest {
    /** A database whose writes finish when the test says. */
    private final List<List<Integer>> writes = new CopyOnWriteArrayList<>();
    private final List<Sinks.Empty<Void>> pending = new CopyOnWriteArrayList<>();
    private final GroupCommit<Integer> commit = new GroupCommit<>(3, rows -> {
        writes.add(rows);
        var done = Sinks.<Void>empty();
        pending.add(done);
        return done.asMono();
    });

    @Test
    void rowsThatArriveDuringAWriteGoTogetherInTheNextAndEachCallerWaitsForItsOwnWrite() {
        var finished = new CopyOnWriteArrayList<Integer>();
        var failed = new CopyOnWriteArrayList<Integer>();
        for (int row = 1; row <= 6; row++) {
            int r = row;
            commit.add(r).subscribe(null, e -> failed.add(r), () -> finished.add(r));
        }
        // a lone row is written at once; the five that came during that write wait for it, then go in batches of 3 at most
        assertThat(writes).containsExactly(List.of(1));
        pending.get(0).tryEmitEmpty();
        assertThat(finished).containsExactly(1);
        assertThat(writes).containsExactly(List.of(1), List.of(2, 3, 4));
        pending.get(1).tryEmitError(new IllegalStateException("the database said no"));
        assertThat(failed).containsExactly(2, 3, 4);
        assertThat(writes).containsExactly(List.of(1), List.of(2, 3, 4), List.of(5, 6));
        assertThat(finished).containsExactly(1);
        pending.get(2).tryEmitEmpty();
        assertThat(finished).containsExactly(1, 5, 6);
        assertThat(failed).containsExactly(2, 3, 4);
    }

    @Test
    void aWriteThatThrowsFailsItsCallersAndTheNextRowsAreStillWritten() {
        var calls = new AtomicInteger();
        var written = new ArrayList<List<String>>();
        var throwing = new GroupCommit<String>(10, rows -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("no connection");
            }
            written.add(rows);
            return Mono.empty();
        });
        var first = new AtomicInteger();
        throwing.add("a").subscribe(null, e -> first.set(-1), () -> first.set(1));
        var second = new AtomicInteger();
        throwing.add("b").subscribe(null, e -> second.set(-1), () -> second.set(1));
        assertThat(first).hasValue(-1);
        assertThat(second).hasValue(1);
        assertThat(written).containsExactly(List.of("b"));
    }
}
