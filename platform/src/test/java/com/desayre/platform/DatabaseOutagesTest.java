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

    @Test
    void aMediaStoreThatCannotBeReachedIsWaitedOutAndOneThatRefusesIsNot() throws Exception {
        var unavailable = software.amazon.awssdk.services.s3.model.S3Exception.builder().statusCode(503).message("SlowDown").build();
        var missing = software.amazon.awssdk.services.s3.model.S3Exception.builder().statusCode(404).message("NoSuchBucket").build();
        assertThat(DatabaseOutages.serverAway(new MediaStoreException("S3 request failed", new ConnectException("refused")))).isTrue();
        assertThat(DatabaseOutages.serverAway(new MediaStoreException("S3 request failed", unavailable))).isTrue();
        assertThat(DatabaseOutages.serverAway(new MediaStoreException("S3 request failed", missing))).isFalse();

        var tries = new AtomicInteger();
        var stored = DatabaseOutages.waitOut("a thumbnail waits to be stored", DatabaseOutages::serverAway, () -> {
            if (tries.incrementAndGet() < 2) {
                throw new MediaStoreException("S3 request failed", unavailable);
            }
            return "stored";
        });
        assertThat(stored).isEqualTo("stored");
        assertThatThrownBy(() -> DatabaseOutages.waitOut("a refused put", DatabaseOutages::serverAway, () -> {
            throw new MediaStoreException("S3 request failed", missing);
        })).isInstanceOf(java.io.IOException.class);
    }
}
