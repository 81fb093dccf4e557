package com.desayre.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisServerTest {

    @Test
    void setsAndGetsAValueThroughLettuce() {
        try (RedisServer redis = RedisServer.start(0, null)) {
            RedisClient client = RedisClient.create(redis.url());
            try (var connection = client.connect()) {
                connection.sync().set("job:1:status", "QUEUED");
                assertThat(connection.sync().get("job:1:status")).isEqualTo("QUEUED");
            } finally {
                client.shutdown();
            }
            assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
        }
    }

    @Test
    void keepsDataAcrossARestartOnTheSameDataDirectory(@TempDir Path dataDir) {
        try (RedisServer first = RedisServer.start(0, dataDir)) {
            RedisClient client = RedisClient.create(first.url());
            try (var connection = client.connect()) {
                connection.sync().set("job:2:status", "COMPLETED");
            } finally {
                client.shutdown();
            }
        }

        try (RedisServer second = RedisServer.start(0, dataDir)) {
            RedisClient client = RedisClient.create(second.url());
            try (var connection = client.connect()) {
                assertThat(connection.sync().get("job:2:status")).isEqualTo("COMPLETED");
            } finally {
                client.shutdown();
            }
        }
    }
}
