package com.desayre.providersim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JobBookTest {
    private final AtomicLong clock = new AtomicLong(1_000);

    private JobBook.Job job(JobBook book, Duration latency) {
        long id = book.nextId();
        return book.register(new JobBook.Job(id, "t", "owner", book.readyAt(latency), latency, Map.of(),
                List.of(new JobBook.Output(id + "-0.png", "image/png", () -> new byte[] {1}))));
    }

    @Test
    void jobsBecomeReadyAtTheirTime() {
        JobBook book = new JobBook(10, clock::get);
        JobBook.Job job = job(book, Duration.ofNanos(500));
        assertThat(job.isReady(book.now())).isFalse();
        assertThat(job.remaining(book.now())).isEqualTo(Duration.ofNanos(500));
        clock.addAndGet(500);
        assertThat(job.isReady(book.now())).isTrue();
        assertThat(job.remaining(book.now())).isEqualTo(Duration.ZERO);
        assertThat(book.find(job.id())).isSameAs(job);
        assertThat(book.findOutput(job.id() + "-0.png").job()).isSameAs(job);
        assertThat(book.findOutput("nope.png")).isNull();
    }

    @Test
    void idsAreNineDigitsAndIncrease() {
        JobBook book = new JobBook();
        long a = book.nextId();
        long b = book.nextId();
        assertThat(b).isGreaterThan(a);
        assertThat(a).isBetween(100_000_000L, 999_999_999L);
    }

    @Test
    void theOldestJobsAreForgottenBeyondCapacity() {
        JobBook book = new JobBook(2, clock::get);
        JobBook.Job first = job(book, Duration.ZERO);
        job(book, Duration.ZERO);
        job(book, Duration.ZERO);
        assertThat(book.size()).isEqualTo(2);
        assertThat(book.find(first.id())).isNull();
        assertThat(book.findOutput(first.id() + "-0.png")).isNull();
    }

    @Test
    void outputCacheRendersOnceAndEvictsTheLeastRecentlyUsed() {
        OutputCache cache = new OutputCache(2, 1_000);
        AtomicInteger renders = new AtomicInteger();
        cache.get("a", () -> new byte[] {(byte) renders.incrementAndGet()});
        cache.get("a", () -> new byte[] {(byte) renders.incrementAndGet()});
        assertThat(renders).hasValue(1);
        cache.get("b", () -> new byte[10]);
        cache.get("a", () -> new byte[1]); // touch a
        cache.get("c", () -> new byte[10]); // evicts b
        assertThat(cache.size()).isEqualTo(2);
        cache.get("b", () -> new byte[] {(byte) renders.incrementAndGet()});
        assertThat(renders).hasValue(2);

        OutputCache small = new OutputCache(10, 15);
        small.get("x", () -> new byte[10]);
        small.get("y", () -> new byte[10]);
        assertThat(small.size()).isEqualTo(1);
    }
}
