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
 * own database, migrated with storage-sink's own scripts), so every number is known in advance. With them the cost
 * ledger's rows ({@code ledger_entries}, as storage-sink's {@code projectLedger} writes them): the stats' cost, a
 * job's cost, {@code GET /api/usage}, {@code GET /api/admin/usage} (JSON and CSV) and budgets refused at the door.
 */
class AdminStatsIT {
    private static final String ADMIN_PASSWORD = "the admin's stats passphrase";

    private static AuthTestGateway gateway;
    private static DataSource db;
    private static String admin;
    private static String alice;
    private static String bob;
    private static String aliceVideo;
    private static final String MEMBER_PASSWORD = "a member's good passphrase";

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
        var image1 = job("alice", "IMAGE", "COMPLETED", "modelslabs", "nano-banana-pro", now.minus(Duration.ofMinutes(30)), 10_000, null, null, 1000);
        var image2 = job("alice", "IMAGE", "COMPLETED", "modelslabs", "nano-banana-pro", now.minus(Duration.ofMinutes(40)), 30_000, null, null, 3000);
        var failed = job("alice", "IMAGE", "FAILED", "modelslabs", "nano-banana-pro", now.minus(Duration.ofHours(2)), 5_000, null, null, 0);
        aliceVideo = job("alice", "VIDEO", "COMPLETED", "xai", "grok-imagine-video", now.minus(Duration.ofHours(3)), 100_000, 6, "720p", 500_000);
        // bob: 1 image cancelled today, 1 video with no length (default 8 s) completed today, 1 image 3 days ago
        var cancelled = job("bob", "IMAGE", "CANCELLED", "modelslabs", "nano-banana-pro", now.minus(Duration.ofHours(5)), 1_000, null, null, 0);
        var bobVideo = job("bob", "VIDEO", "COMPLETED", "xai", "grok-imagine-video", now.minus(Duration.ofHours(6)), 60_000, null, null, 200_000);
        var old = job("bob", "IMAGE", "COMPLETED", "modelslabs", "nano-banana-pro", now.minus(Duration.ofDays(3)), 20_000, null, null, 7000);
        // 8 days ago: outside every window, but still stored
        var older = job("carol", "IMAGE", "COMPLETED", "modelslabs", "nano-banana-pro", now.minus(Duration.ofDays(8)), 20_000, null, null, 11);
        // the ledger: each image taken is charged 0.134, the failed one credited back (the provider's own failure), the
        // first image's lost answer a possible duplicate; alice's 6 s at 720p 0.42 (xAI reported 0.40), bob's 8 s 0.40;
        // a cancelled job that was never sent costs nothing
        entry(image1, "alice", "IMAGE", "modelslabs", "nano-banana-pro", "/unknown/1", "CHARGE", 134_000, null, true, now.minus(Duration.ofMinutes(31)));
        entry(image1, "alice", "IMAGE", "modelslabs", "nano-banana-pro", "/charge/p1", "CHARGE", 134_000, null, false, now.minus(Duration.ofMinutes(30)));
        entry(image2, "alice", "IMAGE", "modelslabs", "nano-banana-pro", "/charge/p2", "CHARGE", 134_000, null, false, now.minus(Duration.ofMinutes(40)));
        entry(failed, "alice", "IMAGE", "modelslabs", "nano-banana-pro", "/charge/p3", "CHARGE", 134_000, null, false, now.minus(Duration.ofHours(2)));
        entry(failed, "alice", "IMAGE", "modelslabs", "nano-banana-pro", "/credit/p3", "CREDIT", -134_000, null, false, now.minus(Duration.ofHours(2)));
        entry(aliceVideo, "alice", "VIDEO", "xai", "grok-imagine-video", "/charge/v1", "CHARGE", 420_000, 400_000L, false, now.minus(Duration.ofHours(3)));
        entry(bobVideo, "bob", "VIDEO", "xai", "grok-imagine-video", "/charge/v2", "CHARGE", 400_000, null, false, now.minus(Duration.ofHours(6)));
        entry(old, "bob", "IMAGE", "modelslabs", "nano-banana-pro", "/charge/p4", "CHARGE", 134_000, null, false, now.minus(Duration.ofDays(3)));
        entry(older, "carol", "IMAGE", "modelslabs", "nano-banana-pro", "/charge/p5", "CHARGE", 134_000, null, false, now.minus(Duration.ofDays(8)));
        assertThat(cancelled).isNotNull();

        var extra = new HashMap<>(TestServers.postgres().springProperties(database));
        extra.put("desayre.auth.admin-password", ADMIN_PASSWORD);
        gateway = new AuthTestGateway(extra);
        admin = gateway.token("admin", ADMIN_PASSWORD);
        gateway.createUser(admin, "alice", MEMBER_PASSWORD, "member");
        gateway.createUser(admin, "bob", MEMBER_PASSWORD, "member");
        alice = gateway.token("alice", MEMBER_PASSWORD);
        bob = gateway.token("bob", MEMBER_PASSWORD);
    }

    /** A ledger row as storage-sink projects a CostIncurred. */
    private static void entry(String jobId, String owner, String kind, String provider, String model, String idSuffix, String entry,
                              long micros, Long reported, boolean possibleDuplicate, Instant at) throws Exception {
        try (Connection c = db.getConnection(); var insert = c.prepareStatement("""
                insert into ledger_entries (entry_id, job_id, owner_id, kind, provider, model, entry, outputs, video_seconds,
                                            currency, amount_micros, reported_micros, possible_duplicate, attempt, reason, occurred_at)
                values (?, ?, ?, ?, ?, ?, ?, 1, 0, 'USD', ?, ?, ?, 1, 'test', ?)""")) {
            insert.setString(1, jobId + idSuffix);
            insert.setString(2, jobId);
            insert.setString(3, owner);
            insert.setString(4, kind);
            insert.setString(5, provider);
            insert.setString(6, model);
            insert.setString(7, entry);
            insert.setLong(8, micros);
            insert.setObject(9, reported);
            insert.setBoolean(10, possibleDuplicate);
            insert.setTimestamp(11, Timestamp.from(at));
            insert.executeUpdate();
        }
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** One job as storage-sink projects it; a completed one with one stored output of {@code bytes}. */
    private static String job(String owner, String kind, String status, String provider, String model, Instant created,
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
        return id;
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
        // from the ledger: 3 images taken x 0.134 less 1 credited + 0.42 + 0.40; the possible duplicate apart
        assertThat(cost.get("total").decimalValue()).isEqualByComparingTo("1.088");
        assertThat(cost.get("possibleDuplicates").decimalValue()).isEqualByComparingTo("0.134");
        var videos = find(cost.get("byModel"), "model", "grok-imagine-video", null, null);
        assertThat(videos.get("charges").asLong()).isEqualTo(2);
        assertThat(videos.get("cost").decimalValue()).isEqualByComparingTo("0.82");
        assertThat(videos.get("reported").decimalValue()).isEqualByComparingTo("0.40");
        var images = find(cost.get("byModel"), "model", "nano-banana-pro", null, null);
        assertThat(images.get("credits").asLong()).isEqualTo(1);
        assertThat(images.get("cost").decimalValue()).isEqualByComparingTo("0.268");

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
    void theSeriesCountsEveryJobAndTheLedgersSpendPerDayAndHour() {
        var from = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(10);
        var response = gateway.call("GET", "/api/admin/stats/series?bucket=day&from=" + from, null, "Authorization", "Bearer " + admin);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var days = json(response);
        assertThat(days.get("bucket").asString()).isEqualTo("day");
        assertThat(days.get("currency").asString()).isEqualTo("USD");
        var points = days.get("points");
        // every day of the range is there, empty ones too: 10 whole days and today's start
        assertThat(points.size()).isEqualTo(11);
        assertThat(points.get(0).get("at").asString()).isEqualTo(from + "T00:00:00Z");
        assertThat(points.valueStream().mapToLong(p -> p.get("total").asLong()).sum()).isEqualTo(8);
        assertThat(points.valueStream().mapToLong(p -> count(p, "IMAGE", "COMPLETED")).sum()).isEqualTo(4);
        assertThat(points.valueStream().mapToLong(p -> count(p, "VIDEO", "COMPLETED")).sum()).isEqualTo(2);
        // the ledger's spend, as /api/admin/usage totals it (1.356), the possible duplicate apart
        assertThat(points.valueStream().map(p -> p.get("cost").decimalValue()).reduce(java.math.BigDecimal.ZERO,
                java.math.BigDecimal::add)).isEqualByComparingTo("1.356");
        assertThat(points.valueStream().map(p -> p.get("possibleDuplicates").decimalValue()).reduce(java.math.BigDecimal.ZERO,
                java.math.BigDecimal::add)).isEqualByComparingTo("0.134");

        // the last 150 minutes by hour (the default bucket for a short range): alice's 3 images, one failed
        var since = Instant.now().minus(Duration.ofMinutes(150));
        var hours = json(gateway.call("GET", "/api/admin/stats/series?from=" + since, null, "Authorization", "Bearer " + admin));
        assertThat(hours.get("bucket").asString()).isEqualTo("hour");
        var hourly = hours.get("points");
        assertThat(hourly.valueStream().mapToLong(p -> count(p, "IMAGE", "COMPLETED") + count(p, "IMAGE", "FAILED")).sum()).isEqualTo(3);
        assertThat(hourly.valueStream().mapToLong(p -> count(p, "IMAGE", "FAILED")).sum()).isEqualTo(1);
        for (int i = 1; i < hourly.size(); i++) {
            assertThat(Duration.between(Instant.parse(hourly.get(i - 1).get("at").asString()), Instant.parse(hourly.get(i).get("at")
                    .asString()))).isEqualTo(Duration.ofHours(1));
        }

        var member = gateway.call("GET", "/api/admin/stats/series", null, "Authorization", "Bearer " + bob);
        assertThat(member.statusCode()).isEqualTo(403);
    }

    private static long count(JsonNode point, String kind, String status) {
        var byStatus = point.get("jobs").get(kind);
        return byStatus == null || byStatus.get(status) == null ? 0 : byStatus.get(status).asLong();
    }

    @Test
    void theAuditLogFiltersByUserAndByTheStartOfAnAction() {
        var aboutAlice = json(gateway.call("GET", "/api/admin/audit?user=Alice", null, "Authorization", "Bearer " + admin));
        assertThat(aboutAlice.size()).isPositive();
        aboutAlice.forEach(entry -> assertThat("alice").isIn(entry.get("actor").asString(), entry.get("target").asString()));
        assertThat(aboutAlice.valueStream().map(e -> e.get("action").asString())).contains("user.create");

        var creations = json(gateway.call("GET", "/api/admin/audit?action=user.create", null, "Authorization", "Bearer " + admin));
        assertThat(creations.valueStream().map(e -> e.get("action").asString()).distinct()).containsExactly("user.create");
        assertThat(creations.valueStream().map(e -> e.get("target").asString())).contains("alice", "bob");
        var ids = creations.valueStream().map(e -> e.get("id").asLong()).toList();
        assertThat(ids).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        // the start of an action: every change to a user; paged back from the newest
        var users = json(gateway.call("GET", "/api/admin/audit?action=user.&limit=1", null, "Authorization", "Bearer " + admin));
        assertThat(users.size()).isEqualTo(1);
        var older = json(gateway.call("GET", "/api/admin/audit?action=user.&before=" + users.get(0).get("id").asLong(), null,
                "Authorization", "Bearer " + admin));
        assertThat(older.valueStream().map(e -> e.get("action").asString())).allMatch(a -> a.startsWith("user."));
        assertThat(older.valueStream().mapToLong(e -> e.get("id").asLong())).allMatch(id -> id < users.get(0).get("id").asLong());
        assertThat(json(gateway.call("GET", "/api/admin/audit?user=nobody-at-all", null, "Authorization", "Bearer " + admin)).size())
                .isZero();

        var bad = gateway.call("GET", "/api/admin/audit?user=" + "x".repeat(101) + "&limit=0", null, "Authorization", "Bearer " + admin);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("errors").valueStream().map(e -> e.get("field").asString())).containsExactly("limit", "user");
        assertThat(gateway.call("GET", "/api/admin/audit", null, "Authorization", "Bearer " + alice).statusCode()).isEqualTo(403);
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
        gateway.createUser(admin, member, MEMBER_PASSWORD, "member");
        var forbidden = gateway.call("GET", "/api/admin/stats", null, "Authorization", "Bearer " + gateway.token(member,
                "a member's good passphrase"));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(json(forbidden).get("type").asString()).isEqualTo("/problems/forbidden");
    }

    @Test
    void aJobShowsWhatItCostAndTheProvidersOwnFigureBesideThePrice() {
        var response = gateway.call("GET", "/api/jobs/" + aliceVideo, null, "Authorization", "Bearer " + alice);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var cost = json(response).get("cost");
        assertThat(cost.get("amount").decimalValue()).isEqualByComparingTo("0.42");
        assertThat(cost.get("currency").asString()).isEqualTo("USD");
        var entry = cost.get("entries").get(0);
        assertThat(entry.get("entry").asString()).isEqualTo("CHARGE");
        assertThat(entry.get("reported").decimalValue()).isEqualByComparingTo("0.40");
        assertThat(entry.get("differs").asBoolean()).isTrue();
    }

    @Test
    void usageTotalsTheSignedInUsersSpendByKindAndModel() {
        var from = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(7);
        var response = gateway.call("GET", "/api/usage?from=" + from, null, "Authorization", "Bearer " + alice);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        var usage = json(response);
        assertThat(usage.get("total").decimalValue()).isEqualByComparingTo("0.688");
        assertThat(usage.get("possibleDuplicates").decimalValue()).isEqualByComparingTo("0.134");
        var images = find(usage.get("byKindAndModel"), "kind", "IMAGE", "model", "nano-banana-pro");
        assertThat(images.get("charges").asLong()).isEqualTo(3);
        assertThat(images.get("credits").asLong()).isEqualTo(1);
        assertThat(images.get("amount").decimalValue()).isEqualByComparingTo("0.268");
        assertThat(images.get("ownerId").isNull()).isTrue();
        assertThat(find(usage.get("byKindAndModel"), "kind", "VIDEO", "model", "grok-imagine-video").get("amount").decimalValue())
                .isEqualByComparingTo("0.42");
        assertThat(usage.get("budget").get("source").asString()).isEqualTo("none");

        var bad = gateway.call("GET", "/api/usage?from=yesterday", null, "Authorization", "Bearer " + alice);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("errors").get(0).get("field").asString()).isEqualTo("from");
    }

    @Test
    void adminsSeeEveryonesUsageAsJsonOrCsvAndMembersMayNot() {
        var from = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(30);
        var all = gateway.call("GET", "/api/admin/usage?from=" + from, null, "Authorization", "Bearer " + admin);
        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        // alice 0.688 + bob 0.534 + carol 0.134
        assertThat(json(all).get("total").decimalValue()).isEqualByComparingTo("1.356");
        var csv = gateway.call("GET", "/api/admin/usage?format=csv&from=" + from, null, "Authorization", "Bearer " + admin);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/csv"));
        assertThat(csv.body().lines()).first().asString().startsWith("owner,kind,provider,model,charges,credits");
        assertThat(csv.body().lines()).contains("alice,IMAGE,modelslabs,nano-banana-pro,3,1,1,0.268,0.134,,USD",
                "alice,VIDEO,xai,grok-imagine-video,1,0,0,0.42,0.00,0.40,USD", "carol,IMAGE,modelslabs,nano-banana-pro,1,0,0,0.134,0.00,,USD");

        var member = gateway.call("GET", "/api/admin/usage", null, "Authorization", "Bearer " + bob);
        assertThat(member.statusCode()).isEqualTo(403);
    }

    @Test
    void aRequestThatWouldExceedTheMonthlyBudgetIsRefusedAtTheDoorSayingWhatIsLeft() {
        // what alice spent this UTC month (the rows above may straddle a month's start)
        var standing = json(gateway.call("GET", "/api/admin/users/alice/budget", null, "Authorization", "Bearer " + admin));
        var spent = standing.get("spentThisMonth").decimalValue();
        var budget = spent.add(new java.math.BigDecimal("0.10"));
        var set = gateway.call("PUT", "/api/admin/users/alice/budget", "{\"monthlyBudget\": " + budget.toPlainString() + "}",
                "Authorization", "Bearer " + admin);
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(json(set).get("remaining").decimalValue()).isEqualByComparingTo("0.10");

        // an image costs 0.134: more than is left
        var refused = gateway.call("POST", "/api/generate/image", "{\"prompt\": \"a lighthouse at dusk\"}", "Authorization",
                "Bearer " + alice);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(402);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        var problem = json(refused);
        assertThat(problem.get("type").asString()).isEqualTo("/problems/budget-exceeded");
        assertThat(problem.get("budget").decimalValue()).isEqualByComparingTo(budget);
        assertThat(problem.get("remaining").decimalValue()).isEqualByComparingTo("0.10");
        assertThat(problem.get("cost").decimalValue()).isEqualByComparingTo("0.134");
        assertThat(problem.get("detail").asString()).contains("0.10 USD is left");
        assertThat(json(gateway.call("GET", "/api/usage", null, "Authorization", "Bearer " + alice)).get("budget")
                .get("remaining").decimalValue()).isEqualByComparingTo("0.10");

        // bob has none of his own: a default of 0 stops him, removing it lets him through
        assertThat(gateway.call("PUT", "/api/admin/budget", "{\"monthlyBudget\": 0}", "Authorization", "Bearer " + admin)
                .statusCode()).isEqualTo(200);
        var bobRefused = gateway.call("POST", "/api/generate/image", "{\"prompt\": \"a lighthouse at dusk\"}", "Authorization",
                "Bearer " + bob);
        assertThat(bobRefused.statusCode()).as(bobRefused.body()).isEqualTo(402);
        assertThat(gateway.call("DELETE", "/api/admin/budget", null, "Authorization", "Bearer " + admin).statusCode()).isEqualTo(200);
        var bobTaken = gateway.call("POST", "/api/generate/image", "{\"prompt\": \"a lighthouse at dusk\"}", "Authorization",
                "Bearer " + bob);
        assertThat(bobTaken.statusCode()).as(bobTaken.body()).isEqualTo(202);

        var badBudget = gateway.call("PUT", "/api/admin/users/alice/budget", "{\"monthlyBudget\": -1}", "Authorization",
                "Bearer " + admin);
        assertThat(badBudget.statusCode()).isEqualTo(400);
        assertThat(gateway.call("DELETE", "/api/admin/users/alice/budget", null, "Authorization", "Bearer " + admin).statusCode())
                .isEqualTo(200);
    }
}
