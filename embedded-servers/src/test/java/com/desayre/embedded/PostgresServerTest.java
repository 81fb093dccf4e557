package com.desayre.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerTest {
    /** A temporary cluster, as the test kit starts it (no data directory). */
    private static PostgresServer temporary;

    @BeforeAll
    static void start() {
        temporary = PostgresServer.start(0, null);
    }

    @AfterAll
    static void stop() {
        temporary.close();
    }

    @Test
    void aFreePortTakenBeforePostgresBindsItIsReplacedByAnother() throws Exception {
        // another process takes the port picked for PostgreSQL before it binds (seen once in CI beside a parallel build)
        // (a bound socket that does not listen: PostgreSQL cannot bind the port, and a connection to it is refused at once
        // instead of waiting for an answer for ever)
        try (var taken = new java.net.Socket()) {
            taken.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), FreePort.pick()));
            var picks = new java.util.ArrayDeque<>(java.util.List.of(taken.getLocalPort(), FreePort.pick()));
            try (var postgres = PostgresServer.start(0, null, picks::removeFirst)) {
                assertThat(postgres.port()).isNotEqualTo(taken.getLocalPort());
                try (Connection connection = connect(postgres, PostgresServer.DEFAULT_DATABASE)) {
                    assertThat(connection.isValid(5)).isTrue();
                }
            }
        }
    }

    @Test
    void answersAJdbcQueryOnTheDefaultDatabase() throws SQLException {
        PostgresServer postgres = temporary;

        try (Connection connection = connect(postgres, PostgresServer.DEFAULT_DATABASE);
             var rows = connection.createStatement().executeQuery("SELECT current_database(), current_setting('server_version_num')::int")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("desayre");
            assertThat(rows.getInt(2)).isGreaterThanOrEqualTo(170000);
        }
    }

    @Test
    void createsADatabaseOnlyWhenMissing() throws SQLException {
        PostgresServer postgres = temporary;

        postgres.createDatabase("media_store_it");
        postgres.createDatabase("media_store_it");

        try (Connection connection = connect(postgres, "media_store_it");
             var rows = connection.createStatement().executeQuery("SELECT 1")) {
            assertThat(rows.next()).isTrue();
        }
        assertThat(postgres.springProperties("media_store_it"))
                .containsEntry(SpringProperties.R2DBC_URL, "r2dbc:postgresql://localhost:" + postgres.port() + "/media_store_it")
                .containsEntry(SpringProperties.FLYWAY_URL, postgres.jdbcUrl("media_store_it"));
    }

    @Test
    void keepsDataAcrossARestartOnTheSameDataDirectory(@TempDir Path dataDir) throws SQLException {
        try (PostgresServer first = PostgresServer.start(0, dataDir);
             Connection connection = connect(first, PostgresServer.DEFAULT_DATABASE)) {
            connection.createStatement().execute("CREATE TABLE job (id text PRIMARY KEY)");
            connection.createStatement().execute("INSERT INTO job VALUES ('job-3')");
        }

        try (PostgresServer second = PostgresServer.start(0, dataDir);
             Connection connection = connect(second, PostgresServer.DEFAULT_DATABASE);
             var rows = connection.createStatement().executeQuery("SELECT id FROM job")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("job-3");
        }
    }

    /** As local-stack ({@code ./desayre up}) starts it: a data directory of its own, so accepted jobs survive a power cut. */
    @Test
    void aClusterInADataDirectoryIsDurable(@TempDir Path dataDir) throws SQLException {
        try (PostgresServer server = PostgresServer.start(0, dataDir.resolve("postgres"));
             Connection connection = connect(server, PostgresServer.DEFAULT_DATABASE)) {
            assertThat(setting(connection, "fsync")).isEqualTo("on");
            assertThat(setting(connection, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(connection, "full_page_writes")).isEqualTo("on");
        }
    }

    @Test
    void aTemporaryTestClusterSkipsDurability() throws SQLException {
        try (Connection connection = connect(temporary, PostgresServer.DEFAULT_DATABASE)) {
            assertThat(setting(connection, "fsync")).isEqualTo("off");
            assertThat(setting(connection, "synchronous_commit")).isEqualTo("off");
        }
    }

    private static String setting(Connection connection, String name) throws SQLException {
        try (var rows = connection.createStatement().executeQuery("SHOW " + name)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }

    private static Connection connect(PostgresServer postgres, String database) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(database), postgres.username(), postgres.password());
    }
}
