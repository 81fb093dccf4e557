package com.desayre.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 server (zonky's embedded binaries from Maven Central) listening on
 * localhost. Given a data directory, the cluster lives in its {@value #PGDATA} folder and is
 * created only when missing, so a restart keeps every database; without one it lives in a
 * temporary directory removed on {@link #close()}. The default database {@value #DEFAULT_DATABASE}
 * exists once the server has started.
 *
 * <p>A cluster in a given data directory is durable ({@code fsync}, {@code full_page_writes} and
 * {@code synchronous_commit} on); a temporary one, for tests, runs with all three off.
 *
 * <p>Authentication is {@code trust} on loopback: the password is accepted whatever it is.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);

    public static final String DEFAULT_DATABASE = "desayre";
    static final String PGDATA = "pgdata";
    private static final String USERNAME = "postgres";
    private static final String PASSWORD = "postgres";
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_\\-]{0,62}");

    private final EmbeddedPostgres postgres;
    private final ServerDirectory directory;
    private boolean closed;

    private PostgresServer(EmbeddedPostgres postgres, ServerDirectory directory) {
        this.postgres = postgres;
        this.directory = directory;
    }

    /**
     * Starts PostgreSQL and creates the database {@value #DEFAULT_DATABASE} if missing.
     *
     * @param port    the port; 0 picks a free one
     * @param dataDir the directory whose {@value #PGDATA} folder holds the cluster, kept across restarts;
     *                {@code null} for a temporary one under {@code java.io.tmpdir}
     */
    public static PostgresServer start(int port, @Nullable Path dataDir) {
        return start(port, dataDir, FreePort::pick);
    }

    /** {@link #start(int, Path)} with the free ports taken from {@code freePorts} (a test's, to make one clash). */
    static PostgresServer start(int port, @Nullable Path dataDir, java.util.function.IntSupplier freePorts) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(port == 0 ? freePorts.getAsInt() : port, dataDir);
            } catch (NotStarted e) {
                // a free port picked here can be taken by another process before PostgreSQL binds it ("Address already
                // in use": seen once in CI, beside a parallel build); a port the caller chose is theirs to change
                if (port != 0 || attempt == FreePort.ATTEMPTS) {
                    throw e;
                }
                log.warn("{}; trying another free port", e.getMessage());
            }
        }
    }

    /** PostgreSQL did not come up (its own log, above, says why). */
    private static final class NotStarted extends IllegalStateException {
        NotStarted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static PostgresServer startOnce(int chosen, @Nullable Path dataDir) {
        long started = System.nanoTime();
        ServerDirectory directory = ServerDirectory.of(dataDir, "postgres-");
        Path pgdata = directory.resolve(PGDATA);
        FreePort.orFree(chosen); // checks the range
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPort(chosen)
                .setDataDirectory(pgdata)
                // a temporary cluster starts from scratch; a caller's cluster is never wiped
                .setCleanDataDirectory(directory.temporary())
                .setPGStartupWait(Duration.ofSeconds(30))
                .setServerConfig("listen_addresses", "localhost");
        if (directory.temporary()) {
            // throwaway test data (tests only): skip durability work; a crash loses nothing that matters.
            // synchronous_commit is already off by zonky's default
            builder.setServerConfig("fsync", "off").setServerConfig("full_page_writes", "off")
                    .setServerConfig("synchronous_commit", "off");
        } else {
            // a caller's cluster (./desayre up keeps accepted jobs and history in it) is durable: zonky turns
            // synchronous_commit off by default, so say every setting a power cut depends on
            builder.setServerConfig("fsync", "on").setServerConfig("full_page_writes", "on")
                    .setServerConfig("synchronous_commit", "on");
        }
        EmbeddedPostgres postgres;
        try {
            postgres = builder.start();
        } catch (IOException | RuntimeException e) {
            directory.deleteIfTemporary();
            throw new NotStarted("cannot start PostgreSQL on port " + chosen + " in " + pgdata, e);
        }
        var server = new PostgresServer(postgres, directory);
        try {
            server.createDatabase(DEFAULT_DATABASE);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        log.info("PostgreSQL started on port {} in {} ms, data in {}", chosen,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), pgdata);
        return server;
    }

    public int port() {
        return postgres.getPort();
    }

    public String username() {
        return USERNAME;
    }

    public String password() {
        return PASSWORD;
    }

    /** {@code jdbc:postgresql://localhost:PORT/DB}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    public String jdbcUrl() {
        return jdbcUrl(DEFAULT_DATABASE);
    }

    /** {@code r2dbc:postgresql://localhost:PORT/DB}. */
    public String r2dbcUrl(String database) {
        return "r2dbc:postgresql://localhost:" + port() + "/" + database;
    }

    public String r2dbcUrl() {
        return r2dbcUrl(DEFAULT_DATABASE);
    }

    /** A non-pooling JDBC data source for the database (it must exist). */
    public DataSource dataSource(String database) {
        return postgres.getDatabase(USERNAME, database);
    }

    /** The data directory (temporary when none was given). */
    public Path dataDir() {
        return directory.path();
    }

    /**
     * Creates the database if it does not exist yet.
     *
     * @param name letters, digits, {@code _} and {@code -}, starting with a letter or {@code _}
     */
    public void createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (var rows = exists.executeQuery()) {
                    if (rows.next()) {
                        return;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + name + "\"");
            }
        } catch (SQLException e) {
            // "duplicate_database": created meanwhile by someone else
            if (!"42P04".equals(e.getSQLState())) {
                throw new IllegalStateException("cannot create database " + name, e);
            }
        }
    }

    /** The Spring Boot properties (R2DBC and Flyway) that point a service at the database. */
    public Map<String, String> springProperties(String database) {
        return SpringProperties.postgres(this, database);
    }

    public Map<String, String> springProperties() {
        return springProperties(DEFAULT_DATABASE);
    }

    /** Stops the server ({@code pg_ctl stop -m fast}); a temporary data directory is deleted. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("PostgreSQL on port {} did not stop cleanly: {}", port(), e.toString());
        }
        directory.deleteIfTemporary();
    }

    @Override
    public String toString() {
        return "PostgresServer[port " + port() + ", " + directory.path() + "]";
    }
}
