package com.desayre.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Following a job's event stream against a small real HTTP server that plays the gateway's part: a stream that breaks
 * before the job ended is opened again, a signed-out event ends the command as refused, and a renewed session token is
 * saved to the config file. Bounded: a follower that never ends fails the test instead of hanging it.
 */
@Timeout(30)
class FollowTest {
    private static final String JOB = "3f2a9c1e-5b7d-4e2a-9f00-1234567890ab";

    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Serves each connection to the job's stream the next of {@code streams} (SSE text), then closes it. */
    private String serve(List<String> streams, AtomicInteger opened) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/jobs/" + JOB + "/events", exchange -> {
            var body = streams.get(Math.min(opened.getAndIncrement(), streams.size() - 1)).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/api/auth/me", exchange -> {
            exchange.getResponseHeaders().add(Api.RENEWED_TOKEN, "renewed-token");
            var body = "{\"username\":\"admin\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static String status(String status) {
        return "event:status\nid:" + status + "\ndata:{\"jobId\":\"" + JOB + "\",\"kind\":\"IMAGE\",\"status\":\"" + status
                + "\",\"message\":\"m\",\"media\":[]}\n\n";
    }

    private Io io(Map<String, String> env) {
        var all = new HashMap<>(env);
        all.put("XDG_CONFIG_HOME", home.toString());
        return new Io(all, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, 100, Clock.systemUTC());
    }

    @Test
    void aStreamThatBreaksBeforeTheEndIsOpenedAgainAndEachStatusPrintedOnce() throws Exception {
        var opened = new AtomicInteger();
        // the first connection drops after PROCESSING; the second starts, as the gateway's does, with the current status
        var base = serve(List.of(":connected\n\n" + status("QUEUED") + status("PROCESSING"),
                status("PROCESSING") + ":keep-alive\n\n" + status("COMPLETED")), opened);
        var jobs = new Follow(new Api(base, null, renewed -> { }), io(Map.of()), false, false).untilDone(List.of(JOB));

        assertThat(jobs.get(JOB).status()).isEqualTo("COMPLETED");
        assertThat(opened.get()).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8).lines().map(line -> line.split(" ")[1]))
                .containsExactly("QUEUED", "PROCESSING", "COMPLETED");
    }

    @Test
    void aSignedOutStreamEndsTheCommandAsRefusedWithWhatToDo() throws Exception {
        var base = serve(List.of(status("QUEUED") + "event:signed-out\ndata:{\"reason\":\"revoked\",\"detail\":\"The API key was "
                + "revoked.\"}\n\n"), new AtomicInteger());
        var follow = new Follow(new Api(base, null, renewed -> { }), io(Map.of()), false, false);
        assertThatThrownBy(() -> follow.untilDone(List.of(JOB))).isInstanceOfSatisfying(CliException.class, e -> {
            assertThat(e.exitCode).isEqualTo(Exit.REFUSED);
            assertThat(e.getMessage()).contains("The API key was revoked.").contains("./desayre login").contains("./desayre get " + JOB);
        });
    }

    @Test
    void aSessionTokenTheServerRenewedIsSavedForTheNextCommand() throws Exception {
        var base = serve(List.of(status("COMPLETED")), new AtomicInteger());
        var cli = new Cli(io(Map.of()));
        cli.config.save(new Config.Stored(base, "admin", "first-token", null));
        cli.api().get("/api/auth/me");
        assertThat(cli.config.load().token()).isEqualTo("renewed-token");

        // a token from the environment is the caller's: never written to the file
        var fromEnv = new Cli(io(Map.of("DESAYRE_TOKEN", "env-token")));
        fromEnv.config.save(new Config.Stored(base, "admin", "stored", null));
        fromEnv.api().get("/api/auth/me");
        assertThat(fromEnv.config.load().token()).isEqualTo("stored");
    }
}
