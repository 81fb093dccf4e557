package com.desayre.gateway.admin;

import static com.desayre.gateway.AuthTestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.gateway.AuthTestGateway;
import com.desayre.testsupport.TestServers;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/admin/stats} from rows this test writes into storage-sink's projections (its
 * own database, migrated with storage-sink's own scripts), so every number is known in advance.
 */
class AdminStatsIT {
    private static final String ADMIN_PASSWORD = "the admin's stats passphrase";

    private static AuthTestGateway gateway;
    private static DataSource db;
    private static String admin;

    @BeforeAll
    static void start() throws Exception {
        var database = "stats_" + Long.toHexString(System.nanoTime());
        TestServers.postgres().createDatabase(database);
        db = TestServers.postgres().dataSource(database);
        // storage-sink owns these tables; the gateway only reads them
        Flyway.configure().dataSource(db).locations("classpath:db/migration")
                .table("flyway_history_storage_sink").load().migrate();
        var now = Instant.now();
        // alice: 2 images completed (1 h ago: 10 s and 30 s), 1 image failed, 1 video completed (720p, 6 s, 100 s to make)
        job("alice", "IMAGE", "COMPLETED", "modelslabs", "nano-banana-pro", now.minus(Duration.ofMinutes(30)), 10_000, null, null, 1000);
        job("alice", "IMAGE", "COMPLETED", "modelslabs", "nano-banana-pro", now.minus(Duration.ofMinutes(40)), 30_000, null, null, 3000);
        job("alice", "IMAGE", "FAILED", "modelslabs", "nano-banana-pro", now.minus(Duration.ofHours(2)), 5_000, null, null, 0);
        job("alice", "VIDEO", "COMPLETED", "xai", "grok-imagine-video", now.minus(Duration.ofHours(3)), 100_000, 6, "720p", 500_000);
        // bob: 1 image cancelled today, 1 video with no length (default 8 s) completed today, 1 image 3 days ago
        job("bob", "IMAGE", "CANCELLED", "modelslabs", "nano-banana-pro", now.minus(Duration.ofHours(5)), 1_000, null, null, 0);
        job("bob", "VIDEO", "COMPLETED", "xai", "grok-imagine-video", now.minus(Duration.ofHours(6)), 60_000, null, null, 200_000);
        job("bob", "IMAGE", "COMPLETED", "modelslabs", "nano-banana-pro", now.minus(Duration.ofDays(3)), 20_000, null, null, 7000);
        // 8 days ago: outside every window, but still stored
        job("carol", "IMAGE", "COMPLETED", "modelslabs", "nano-banana-pro", now.minus(Duration.ofDays(8)), 20_000, null, null, 11);

        var extra = new HashMap<>(TestServers.postgres().springProperties(database));
        extra.put("desayre.auth.admin-password", ADMIN_PASSWORD);
        gateway = new AuthTestGateway(extra);
        admin = gateway.token("admin", ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** One job as storage-sink projects it; a completed one with one stored output of {@code bytes}. */
    private static void job(String owner, String kind, String status, String provider, String model, Instant created,
                            long tookMillis, Integer seconds, String resolution, long bytes) throws Exception {
        var id = UUID.randomUUID().toString();
        var done = created.plusMillis(tookMillis);
        try (Connection c = db.getConnection(); var insert = c.prepareStatement("""
                insert into jobs (job_id, owner_id, kind, status, created_at, updated_at, completed_at, provider, model,
                                  duration_seconds, resolution) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, id);
            insert.setString(2, owner);
            insert.setString(3, kind);
            insert.setString(4, status);
            insert.setTimestamp(5, Timestamp.from(created));
            insert.setTimestamp(6, Timestamp.from(done));
            insert.setTimestamp(7, Timestamp.from(done));
            insert.setString(8, provider);
            insert.setString(9, model);
            insert.setObject(10, seconds);
            insert.setString(11, resolution);
            insert.executeUpdate();
            if (status.equals("COMPLETED")) {
                try (var media = c.prepareStatement("""
                        insert into media (job_id, idx, storage_key, mime_type, width, height, bytes, sha256)
                        values (?, 0, ?, 'image/png', 1, 1, ?, 'x')""")) {
                    media.setString(1, id);
                    media.setString(2, id + "/0.png");
                    media.setLong(3, bytes);
                    media.executeUpdate();
                }
            }
        }
    }

    private static JsonNode stats(String window) {
        var response = gateway.call("GET", "/api/admin/stats" + (window == null ? "" : "?window=" + window), null,
                "Authorization", "Bearer " + admin);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static JsonNode find(JsonNode list, String field, String value, String field2, String value2) {
        return list.valueStream().filter(n -> n.get(field).asString().equals(value)
                        && (field2 == null || n.get(field2).asString().equals(value2)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + value + "/" + value2 + " in " + list));
    }

    @Test
    void jobsByKindAndStatusPerWindow() {
        var jobs = stats(null).get("jobs");
        var imagesDone = find(jobs, "kind", "IMAGE", "status", "COMPLETED");
        assertThat(imagesDone.get("lastHour").asLong()).isEqualTo(2);
        assertThat(imagesDone.get("lastDay").asLong()).isEqualTo(2);
        assertThat(imagesDone.get("last7Days").asLong()).isEqualTo(3);
        var videosDone = find(jobs, "kind", "VIDEO", "status", "COMPLETED");
        assertThat(videosDone.get("lastHour").asLong()).isZero();
        assertThat(videosDone.get("lastDay").asLong()).isEqualTo(2);
        assertThat(find(jobs, "kind", "IMAGE", "status", "FAILED").get("lastDay").asLong()).isEqualTo(1);
    }

    @Test
    void successRateLatencyAndCostPerModel() {
        var day = stats("24h");
        var image = find(day.get("models"), "model", "nano-banana-pro", null, null);
        assertThat(image.get("completed").asLong()).isEqualTo(2);
        assertThat(image.get("failed").asLong()).isEqualTo(1);
        assertThat(image.get("cancelled").asLong()).isEqualTo(1);
        // cancelled is the user's choice: 2 of 3 judged
        assertThat(image.get("successRate").asDouble()).isEqualTo(0.6667);
        assertThat(image.get("latencyP50Ms").asLong()).isEqualTo(20_000);
        assertThat(image.get("latencyP95Ms").asLong()).isEqualTo(29_000);
        var video = find(day.get("models"), "model", "grok-imagine-video", null, null);
        assertThat(video.get("successRate").asDouble()).isEqualTo(1.0);
        assertThat(video.get("latencyP50Ms").asLong()).isEqualTo(80_000);

        var cost = day.get("cost");
        assertThat(cost.get("currency").asString()).isEqualTo("USD");
        // 2 images x 0.134 + 6 s at 720p x 0.07 + 8 s (default length) x 0.05
        assertThat(cost.get("total").decimalValue()).isEqualByComparingTo("1.088");
        var at720 = find(cost.get("byModel"), "model", "grok-imagine-video", "resolution", "720p");
        assertThat(at720.get("videoSeconds").asLong()).isEqualTo(6);
        assertThat(at720.get("cost").decimalValue()).isEqualByComparingTo("0.42");

        var week = stats("7d");
        assertThat(find(week.get("models"), "model", "nano-banana-pro", null, null).get("completed").asLong()).isEqualTo(3);
        assertThat(stats("1h").get("models").valueStream().mapToLong(m -> m.get("completed").asLong()).sum()).isEqualTo(2);
    }

    @Test
    void topUsersAndStorage() {
        var day = stats(null);
        var top = day.get("topUsers");
        assertThat(top.get(0).get("ownerId").asString()).isEqualTo("alice");
        assertThat(top.get(0).get("jobs").asLong()).isEqualTo(4);
        assertThat(top.get(0).get("failed").asLong()).isEqualTo(1);
        assertThat(top.get(1).get("ownerId").asString()).isEqualTo("bob");
        assertThat(top.get(1).get("jobs").asLong()).isEqualTo(2);
        assertThat(top.size()).isEqualTo(2);

        var storage = day.get("storage");
        assertThat(storage.get("objects").asLong()).isEqualTo(6);
        assertThat(storage.get("bytes").asLong()).isEqualTo(1000 + 3000 + 500_000 + 200_000 + 7000 + 11);
    }

    @Test
    void theWindowQueriesCanUseTheCreatedAtIndex() throws Exception {
        try (Connection c = db.getConnection(); var statement = c.createStatement()) {
            // on a few rows the planner rightly prefers a scan; forbid it to see that an index serves the range
            statement.execute("set enable_seqscan = off");
            var plan = new StringBuilder();
            try (var rows = statement.executeQuery("explain select kind, status, count(*) from public.jobs"
                    + " where created_at >= now() - interval '7 days' and created_at <= now() group by kind, status")) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            assertThat(plan.toString()).contains("jobs_created");
        }
    }

    @Test
    void aBadWindowIsA400AndMembersMayNotLook() {
        var bad = gateway.call("GET", "/api/admin/stats?window=forever", null, "Authorization", "Bearer " + admin);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("errors").get(0).get("field").asString()).isEqualTo("window");

        var member = AuthTestGateway.unique("member");
        gateway.createUser(admin, member, "a member's good passphrase", "member");
        var forbidden = gateway.call("GET", "/api/admin/stats", null, "Authorization", "Bearer " + gateway.token(member,
                "a member's good passphrase"));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(json(forbidden).get("type").asString()).isEqualTo("/problems/forbidden");
    }
}
