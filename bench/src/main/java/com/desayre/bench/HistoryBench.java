package com.desayre.bench;

import com.desayre.contracts.Topics;
import com.desayre.embedded.KafkaBroker;
import com.desayre.embedded.PostgresServer;
import com.desayre.embedded.RedisServer;
import com.desayre.embedded.SpringProperties;
import com.desayre.local.ServiceStack;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * History at scale: seeds {@code --rows} jobs (default 1,000,000) into the real schema, then
 * times {@code GET /api/history} pages through the running gateway, next to the bare SQL of a
 * page over JDBC in the same run (the baseline), and prints each query's plan.
 * {@code ./desayre bench history [--rows=N] [--requests=N]}
 */
final class HistoryBench {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = "admin";

    static void run(String[] args) throws Exception {
        var rows = 1_000_000;
        var requests = 200;
        for (var arg : args) {
            if (arg.startsWith("--rows=")) {
                rows = Integer.parseInt(arg.substring(7));
            } else if (arg.startsWith("--requests=")) {
                requests = Integer.parseInt(arg.substring(11));
            }
        }
        var data = Files.createTempDirectory("bench-history");
        var password = "bench-" + UUID.randomUUID();
        try (var postgres = PostgresServer.start(0, data.resolve("postgres"));
             var redis = RedisServer.start(0, data.resolve("redis"));
             var kafka = KafkaBroker.start(0, data.resolve("kafka"));
             var simulator = ProviderSimulator.start(SimulatorSettings.defaults())) {
            kafka.createTopics(Topics.all(), 3);
            var common = new HashMap<String, Object>();
            common.putAll(SpringProperties.kafka(kafka));
            common.putAll(SpringProperties.postgres(postgres, PostgresServer.DEFAULT_DATABASE));
            common.putAll(SpringProperties.redis(redis));
            common.put("desayre.data-dir", data.resolve("desayre").toString());
            common.put("desayre.modelslabs.base-url", simulator.baseUrl());
            common.put("desayre.modelslabs.api-key", "bench");
            common.put("desayre.xai.base-url", simulator.baseUrl());
            common.put("desayre.xai.api-key", "bench");
            try (var stack = ServiceStack.start(common, Map.of("server.port", 0,
                    "desayre.auth.jwt-secret", UUID.randomUUID() + "-" + UUID.randomUUID(),
                    "desayre.auth.admin-password", password));
                 var db = postgres.dataSource(PostgresServer.DEFAULT_DATABASE).getConnection()) {
                var started = System.nanoTime();
                seed(db, rows);
                System.out.printf(Locale.ROOT, "seeded %,d jobs (a fifth of them admin's, with media) in %.1f s%n", rows,
                        (System.nanoTime() - started) / 1e9);
                var base = "http://127.0.0.1:" + stack.gatewayPort();
                var token = signIn(base, password);
                measure(db, base, token, requests);
            }
        } finally {
            PipelineBench.deleteRecursively(data);
        }
    }

    /** A year of jobs from 50 users, a fifth of them admin's; prompts drawn from a small vocabulary. */
    private static void seed(Connection db, int rows) throws Exception {
        try (var statement = db.createStatement()) {
            statement.execute("""
                    insert into jobs (job_id, owner_id, kind, status, stage, message, created_at, updated_at, completed_at,
                                      prompt, encoded_prompt, model, provider, encoder_version, style_profile)
                    select 'seed-' || i,
                           case when i % 5 = 0 then 'admin' else 'user-' || (i % 49) end,
                           (array['IMAGE','IMAGE','IMAGE','EDIT','VIDEO'])[1 + i % 5],
                           (array['COMPLETED','COMPLETED','COMPLETED','COMPLETED','FAILED','CANCELLED'])[1 + i % 6],
                           'storage-sink', 'done',
                           now() - (i * interval '31 seconds'), now() - (i * interval '31 seconds'),
                           now() - (i * interval '31 seconds') + interval '9 seconds',
                           (array['a lighthouse at dusk','woman reading in a cafe','a red fox in fresh snow',
                                  'street food market at night','a glass sphere above water','alpine lake and mountains',
                                  'a steel watch on marble','kitchen interior with oak'])[1 + i % 8] || ' #' || i,
                           'encoded prompt ' || i, 'nano-banana-pro', 'modelslabs', 'enc1+desayre-cinematic.0', 'desayre-cinematic'
                    from generate_series(1, ROWS) as i""".replace("ROWS", Integer.toString(rows)));
            statement.execute("""
                    insert into media (job_id, idx, storage_key, mime_type, width, height, bytes, sha256, thumb_key)
                    select job_id, 0, job_id || '/0.png', 'image/png', 1024, 1024, 1500000, 'x', job_id || '/0.thumb.jpg'
                    from jobs where owner_id = 'admin' and job_id like 'seed-%'""");
            statement.execute("analyze jobs");
            // what BRIN's autosummarize does within moments of a range filling, done now for the bulk insert
            statement.execute("select brin_summarize_new_values('jobs_created')");
            statement.execute("analyze media");
        }
    }

    private static String signIn(String base, String password) throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + ADMIN + "\",\"password\":\"" + password + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).get("token").asString();
    }

    private static void measure(Connection db, String base, String token, int requests) throws Exception {
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var queries = new LinkedHashMap<String, String>();
        queries.put("first page", "");
        queries.put("kind=video (none)", "kind=video");
        queries.put("status=failed", "status=failed");
        queries.put("search (common)", "q=" + URLEncoder.encode("lighthouse", StandardCharsets.UTF_8));
        queries.put("search (rare)", "q=" + URLEncoder.encode("#123455", StandardCharsets.UTF_8));
        queries.put("search (no match)", "q=zebra");
        queries.put("search (rare, everyone)", "scope=all&q=" + URLEncoder.encode("#123455", StandardCharsets.UTF_8));
        queries.put("search (common, everyone)", "scope=all&q=lighthouse");
        queries.put("everyone (admin)", "scope=all");
        System.out.printf("%n%-22s %10s %10s%n", "GET /api/history?...", "p50 ms", "p99 ms");
        for (var query : queries.entrySet()) {
            var nanos = new long[requests];
            for (int i = 0; i < requests; i++) {
                var start = System.nanoTime();
                var response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/history?limit=20&" + query.getValue()))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                nanos[i] = System.nanoTime() - start;
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(query.getKey() + ": HTTP " + response.statusCode() + " " + response.body());
                }
            }
            System.out.printf(Locale.ROOT, "%-22s %10.2f %10.2f%n", query.getKey(), Stats.percentileMillis(nanos, 50),
                    Stats.percentileMillis(nanos, 99));
        }
        // admin statistics over the same table: each window reads only its rows (index jobs_created)
        for (var window : new String[] {"1h", "24h", "7d"}) {
            var statsNanos = new long[Math.max(10, requests / 4)];
            for (int i = 0; i < statsNanos.length; i++) {
                var start = System.nanoTime();
                var response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/admin/stats?window=" + window))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                statsNanos[i] = System.nanoTime() - start;
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("stats " + window + ": HTTP " + response.statusCode() + " " + response.body());
                }
            }
            System.out.printf(Locale.ROOT, "%-22s %10.2f %10.2f%n", "GET /api/admin/stats " + window,
                    Stats.percentileMillis(statsNanos, 50), Stats.percentileMillis(statsNanos, 99));
        }
        // deep pages: follow nextCursor 100 pages into admin's history
        var nanos = new long[100];
        String cursor = null;
        for (int i = 0; i < nanos.length; i++) {
            var start = System.nanoTime();
            var response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/history?limit=20"
                    + (cursor == null ? "" : "&cursor=" + cursor))).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            nanos[i] = System.nanoTime() - start;
            cursor = JSON.readTree(response.body()).get("nextCursor").asString();
        }
        System.out.printf(Locale.ROOT, "%-22s %10.2f %10.2f%n", "pages 1-100 by cursor", Stats.percentileMillis(nanos, 50),
                Stats.percentileMillis(nanos, 99));

        // baseline: the same first page as bare SQL over JDBC, no HTTP, JSON or R2DBC
        var baseline = new long[requests];
        var sql = "select job_id, owner_id, kind, status, prompt, created_at from jobs where deleted_at is null and owner_id = ?"
                + " order by created_at desc, job_id desc limit 21";
        try (var statement = db.prepareStatement(sql)) {
            statement.setString(1, ADMIN);
            for (int i = 0; i < requests; i++) {
                var start = System.nanoTime();
                try (var rs = statement.executeQuery()) {
                    while (rs.next()) {
                        rs.getString(1);
                    }
                }
                baseline[i] = System.nanoTime() - start;
            }
        }
        System.out.printf(Locale.ROOT, "%-22s %10.2f %10.2f%n", "baseline: bare SQL page", Stats.percentileMillis(baseline, 50),
                Stats.percentileMillis(baseline, 99));

        genericPlan(db);
        System.out.println("\nQuery plans:");
        for (var explain : new String[] {
                "select job_id from jobs j where j.deleted_at is null and j.owner_id = 'admin' order by j.created_at desc, j.job_id desc limit 21",
                "select job_id from jobs j where j.deleted_at is null and j.owner_id = 'admin' and (j.created_at, j.job_id) < (now() - interval '100 days', 'seed-1') order by j.created_at desc, j.job_id desc limit 21",
                // all columns, as the gateway reads them: a job_id-only plan can be index-only and hide a walk
                "select j.* from jobs j where j.deleted_at is null and j.owner_id = 'admin' and j.kind = 'VIDEO' order by j.created_at desc, j.job_id desc limit 21",
                "select job_id from jobs j where j.deleted_at is null and j.owner_id = 'admin' and j.status = 'FAILED' order by j.created_at desc, j.job_id desc limit 21",
                "select job_id from jobs j where j.deleted_at is null and j.owner_id = 'admin' and j.search @@ websearch_to_tsquery('simple', 'lighthouse') order by j.created_at desc, j.job_id desc limit 21",
                "select job_id from jobs j where j.deleted_at is null and j.owner_id = 'admin' and j.search @@ websearch_to_tsquery('simple', '#123455') order by j.created_at desc, j.job_id desc limit 21",
                "select job_id from jobs j where j.deleted_at is null order by j.created_at desc, j.job_id desc limit 21",
                search("and j.owner_id = 'admin'", "lighthouse"),
                search("and j.owner_id = 'admin'", "#123455"),
                search("", "#123455"),
                "select kind, status, count(*) from jobs where created_at >= now() - interval '7 days' and created_at <= now() group by kind, status",
                "select owner_id, count(*) as n from jobs where created_at >= now() - interval '1 day' and created_at <= now() group by owner_id order by n desc limit 10",
                "select count(*), sum(bytes) from media"}) {
            System.out.println("\n" + explain);
            try (var statement = db.createStatement(); var rs = statement.executeQuery("explain (analyze, costs off, timing on) " + explain)) {
                while (rs.next()) {
                    System.out.println("  " + rs.getString(1));
                }
            }
        }
    }

    /** A page query as R2DBC prepares it, in the generic plan PostgreSQL may switch to after five runs. */
    static void genericPlan(Connection db) throws Exception {
        try (var statement = db.createStatement()) {
            statement.execute("set plan_cache_mode = force_generic_plan");
            statement.execute("prepare kind_page(text, text, int) as select job_id from jobs j where j.deleted_at is null"
                    + " and j.owner_id = $1 and j.kind = $2 order by j.created_at desc, j.job_id desc limit $3");
            System.out.println("\ngeneric plan: kind_page('admin', 'VIDEO', 21)");
            try (var rs = statement.executeQuery("explain (analyze, costs off) execute kind_page('admin', 'VIDEO', 21)")) {
                while (rs.next()) {
                    System.out.println("  " + rs.getString(1));
                }
            }
            statement.execute("deallocate kind_page");
            statement.execute("reset plan_cache_mode");
        }
    }

    /** The gateway's search page (HistoryRepository.SEARCH) with its parameters filled in. */
    private static String search(String owner, String term) {
        var where = "j.deleted_at is null " + owner;
        return ("with recent as materialized (select j.job_id, j.created_at, j.search from jobs j where WHERE"
                + " order by j.created_at desc, j.job_id desc limit 1000),"
                + " found as (select job_id, created_at from recent where search @@ websearch_to_tsquery('simple', 'TERM')),"
                + " older as materialized (select j.job_id, j.created_at from jobs j where WHERE"
                + " and j.search @@ websearch_to_tsquery('simple', 'TERM')"
                + " and (j.created_at, j.job_id) < (select created_at, job_id from recent order by created_at, job_id limit 1)"
                + " and (select count(*) from recent) = 1000 and (select count(*) from found) < 21),"
                + " hits as (select job_id, created_at from found union all select job_id, created_at from older"
                + " order by created_at desc, job_id desc limit 21)"
                + " select j.job_id from hits h join jobs j on j.job_id = h.job_id order by j.created_at desc, j.job_id desc")
                .replace("WHERE", where).replace("TERM", term);
    }

    private HistoryBench() {
    }
}
