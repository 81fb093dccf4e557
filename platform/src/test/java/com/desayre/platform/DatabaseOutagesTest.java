package com.desayre.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DatabaseOutagesTest {

    @Test
    void aDatabaseThatIsAwayIsWaitedOutUntilTheWorkSucceeds() {
        var tries = new AtomicInteger();
        var result = DatabaseOutages.waitOut("a job waits to be recorded", () -> {
            if (tries.incrementAndGet() < 3) {
                throw new IllegalStateException("insert failed", new ConnectException("Connection refused"));
            }
            return "recorded";
        });
        assertThat(result).isEqualTo("recorded");
        assertThat(tries).hasValue(3);
    }

    @Test
    void anyOtherFailureIsThrownAtOnce() {
        var tries = new AtomicInteger();
        assertThatThrownBy(() -> DatabaseOutages.waitOut("a bad row", () -> {
            tries.incrementAndGet();
            throw new IllegalArgumentException("value too long for column");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(tries).hasValue(1);
    }

    @Test
    void aStoppingServiceEndsTheWait() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> DatabaseOutages.waitOut("shutting down", () -> {
                throw new IllegalStateException(new ConnectException("Connection refused"));
            })).hasRootCauseInstanceOf(ConnectException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void tellsADatabaseAwayByAnyCauseOrSuperclass() {
        assertThat(DatabaseOutages.databaseAway(new RuntimeException(new ConnectException("refused")))).isTrue();
        // a subclass of a named type counts too
        assertThat(DatabaseOutages.databaseAway(new ConnectException("refused") { })).isTrue();
        assertThat(DatabaseOutages.databaseAway(new IllegalStateException("duplicate key"))).isFalse();
    }
}
