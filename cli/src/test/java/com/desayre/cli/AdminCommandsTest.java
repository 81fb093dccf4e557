package com.desayre.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin commands send exactly the {@code QueueAction} bodies the gateway takes ({@code POST /api/admin/queues}) and
 * say what it answered; recorded by the JDK's HTTP server in the gateway's part. (CliIT pauses and resumes a lane on the
 * real studio; a DLQ there has no records to replay.)
 */
@Timeout(30)
class AdminCommandsTest {
    @TempDir
    Path home;

    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private HttpServer server;
    private String base;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/admin/queues", exchange -> {
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            var answer = body.contains("\"replay\"")
                    ? "{\"action\":\"replay\",\"dlq\":\"generation.requested.dlq\",\"replayed\":2,\"alreadyHandled\":1,\"more\":false,\"records\":[]}"
                    : "{\"action\":\"discard\",\"discarded\":3,\"alreadyHandled\":0,\"more\":true,\"records\":[]}";
            var bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int cli(String... args) {
        var io = new Io(Map.of("DESAYRE_URL", base, "DESAYRE_TOKEN", "t", "XDG_CONFIG_HOME", home.toString()),
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, 100, Clock.systemUTC());
        return Cli.run(args, io);
    }

    @Test
    void replayAndDiscardSendOneSelectionAndSayHowManyMoved() {
        assertThat(cli("dlq", "replay", "generation.requested.dlq", "--offset", "0/17", "--offset", "1:3", "--reason", "fixed"))
                .isEqualTo(Exit.DONE);
        assertThat(bodies.get(0)).isEqualTo("{\"action\":\"replay\",\"dlq\":\"generation.requested.dlq\",\"offsets\":[{\"partition\":0,"
                + "\"offset\":17},{\"partition\":1,\"offset\":3}],\"reason\":\"fixed\"}");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("2 record(s) replayed from generation.requested.dlq, 1 already handled.");

        assertThat(cli("dlq", "discard", "generation.requested.dlq", "--job", "a", "--job", "b")).isEqualTo(Exit.DONE);
        assertThat(bodies.get(1)).isEqualTo("{\"action\":\"discard\",\"dlq\":\"generation.requested.dlq\",\"jobIds\":[\"a\",\"b\"]}");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("3 record(s) discarded from generation.requested.dlq; more remain: run it again.");

        assertThat(cli("dlq", "replay", "generation.requested.dlq", "--all")).isEqualTo(Exit.DONE);
        assertThat(bodies.get(2)).isEqualTo("{\"action\":\"replay\",\"dlq\":\"generation.requested.dlq\",\"all\":true}");

        assertThat(cli("dlq", "replay", "generation.requested.dlq", "--offset", "seventeen")).isEqualTo(Exit.USAGE);
        assertThat(bodies).hasSize(3);
    }

    @Test
    void pauseNamesTheLaneAndOptionallyOneWorker() {
        cli("queues", "pause", "batch", "--worker", "video-worker", "--reason", "provider incident");
        cli("queues", "resume", "interactive");
        assertThat(bodies).containsExactly(
                "{\"action\":\"pause\",\"lane\":\"batch\",\"worker\":\"video-worker\",\"reason\":\"provider incident\"}",
                "{\"action\":\"resume\",\"lane\":\"interactive\"}");
    }
}
