package com.desayre.historyschema;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.embedded.PostgresServer;
import com.desayre.testsupport.TestServers;
import java.sql.DriverManager;
import java.util.Map;
import java.util.TreeMap;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's read model of the job history: every table and column the gateway reads (history, job status,
 * timelines, media ownership, admin stats) or writes ({@code jobs.deleted_at}), with its type, as these migrations
 * make them. storage-sink may add columns and indexes freely; renaming, dropping or retyping one listed here breaks
 * the gateway, so it fails here first. Keep this list in step with the gateway's SQL (its {@code public.*} queries).
 */
class GatewayReadModelTest {
    private static final String DATABASE = "history_schema";

    static final Map<String, Map<String, String>> GATEWAY_READS = Map.of(
            "jobs", Map.ofEntries(
                    Map.entry("job_id", "text"), Map.entry("owner_id", "text"), Map.entry("kind", "text"),
                    Map.entry("status", "text"), Map.entry("stage", "text"), Map.entry("message", "text"),
                    Map.entry("error_code", "text"), Map.entry("prompt", "text"), Map.entry("encoded_prompt", "text"),
                    Map.entry("style_profile", "text"), Map.entry("encoder_version", "text"), Map.entry("provider", "text"),
                    Map.entry("model", "text"), Map.entry("aspect_ratio", "text"), Map.entry("seed", "bigint"),
                    Map.entry("priority", "text"), Map.entry("requested_profile", "text"), Map.entry("enhance", "boolean"),
                    Map.entry("source_media_key", "text"), Map.entry("duration_seconds", "integer"),
                    Map.entry("resolution", "text"), Map.entry("max_wait_seconds", "integer"),
                    Map.entry("created_at", "timestamp with time zone"), Map.entry("updated_at", "timestamp with time zone"),
                    Map.entry("completed_at", "timestamp with time zone"), Map.entry("deleted_at", "timestamp with time zone"),
                    Map.entry("search", "tsvector"), Map.entry("trace_id", "text")),
            "media", Map.ofEntries(
                    Map.entry("job_id", "text"), Map.entry("idx", "integer"), Map.entry("storage_key", "text"),
                    Map.entry("thumb_key", "text"), Map.entry("mime_type", "text"), Map.entry("width", "integer"),
                    Map.entry("height", "integer"), Map.entry("bytes", "bigint"), Map.entry("sha256", "text"),
                    Map.entry("duration_millis", "bigint"), Map.entry("seed", "bigint")),
            "job_status_events", Map.ofEntries(
                    Map.entry("event_id", "text"), Map.entry("job_id", "text"), Map.entry("status", "text"),
                    Map.entry("stage", "text"), Map.entry("progress", "integer"), Map.entry("message", "text"),
                    Map.entry("error_code", "text"), Map.entry("occurred_at", "timestamp with time zone"),
                    Map.entry("recorded_at", "timestamp with time zone")),
            // the cost ledger (gateway costs: a job's cost, usage, budgets, admin stats)
            "ledger_entries", Map.ofEntries(
                    Map.entry("entry_id", "text"), Map.entry("job_id", "text"), Map.entry("owner_id", "text"),
                    Map.entry("kind", "text"), Map.entry("provider", "text"), Map.entry("model", "text"), Map.entry("entry", "text"),
                    Map.entry("currency", "text"), Map.entry("amount_micros", "bigint"), Map.entry("reported_micros", "bigint"),
                    Map.entry("possible_duplicate", "boolean"), Map.entry("provider_request_id", "text"),
                    Map.entry("attempt", "integer"), Map.entry("reason", "text"),
                    Map.entry("occurred_at", "timestamp with time zone")));

    private static PostgresServer postgres;

    @BeforeAll
    static void migrate() {
        postgres = TestServers.postgres();
        postgres.createDatabase(DATABASE);
        // as storage-sink's Flyway applies them: the default location and storage-sink's history table
        Flyway.configure().dataSource(postgres.jdbcUrl(DATABASE), postgres.username(), postgres.password())
                .locations("classpath:db/migration").table("flyway_history_storage_sink").load().migrate();
    }

    @Test
    void everyColumnTheGatewayReadsIsThereWithItsType() throws Exception {
        for (var table : GATEWAY_READS.entrySet()) {
            assertThat(columns(table.getKey())).as("public.%s", table.getKey()).containsAllEntriesOf(table.getValue());
        }
    }

    /** The column names and types of one table in {@code public}. */
    private static Map<String, String> columns(String table) throws Exception {
        try (var connection = DriverManager.getConnection(postgres.jdbcUrl(DATABASE), postgres.username(), postgres.password());
             var query = connection.prepareStatement(
                     "select column_name, data_type from information_schema.columns where table_schema = 'public' and table_name = ?")) {
            query.setString(1, table);
            var columns = new TreeMap<String, String>();
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    columns.put(rows.getString(1), rows.getString(2));
                }
            }
            return columns;
        }
    }
}
