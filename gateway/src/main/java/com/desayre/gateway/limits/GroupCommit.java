package com.desayre.gateway.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Many callers' rows in one write: each caller still completes only once the write that carried its row committed (or
 * fails as it failed), but concurrent callers share it. One write runs at a time; the rows that arrive meanwhile go
 * together in the next, up to {@code maxBatch}. No timer: a lone caller is written at once, and under load a batch
 * is what arrived during one round trip to the database (the same bounded wait a Kafka producer's linger gives).
 */
final class GroupCommit<T> {
    private record Entry<T>(T row, MonoSink<Void> sink) {
    }

    private final Function<List<T>, Mono<Void>> write;
    private final int maxBatch;
    private final Queue<Entry<T>> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    GroupCommit(int maxBatch, Function<List<T>, Mono<Void>> write) {
        this.maxBatch = maxBatch;
        this.write = write;
    }

    /** Completes once a write carrying {@code row} committed. */
    Mono<Void> add(T row) {
        return Mono.create(sink -> {
            waiting.add(new Entry<>(row, sink));
            drain();
        });
    }

    private void drain() {
        // whoever finds no write running starts the next; a caller that loses the race leaves its row to that write
        while (!waiting.isEmpty() && writing.compareAndSet(false, true)) {
            var batch = new ArrayList<Entry<T>>();
            for (Entry<T> entry; batch.size() < maxBatch && (entry = waiting.poll()) != null; ) {
                batch.add(entry);
            }
            if (batch.isEmpty()) {
                writing.set(false);
                continue;
            }
            Mono<Void> written;
            try {
                written = write.apply(batch.stream().map(Entry::row).toList());
            } catch (RuntimeException e) {
                written = Mono.error(e);
            }
            written.subscribe(null, e -> done(batch, e), () -> done(batch, null));
            return;
        }
    }

    private void done(List<Entry<T>> batch, Throwable failure) {
        writing.set(false);
        // the next batch starts before these callers continue, so their continuations do not delay it
        drain();
        for (var entry : batch) {
            if (failure == null) {
                entry.sink().success();
            } else {
                entry.sink().error(failure);
            }
        }
    }
}
