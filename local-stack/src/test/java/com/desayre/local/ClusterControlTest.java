package com.desayre.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control port chaos drives: real HTTP, a real child process and a real listening socket as the "server". */
class ClusterControlTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private ClusterControl control;
    private ChildProcess worker;
    private ServerPart<ServerSocket> server;

    @BeforeEach
    void start() {
        control = ClusterControl.start(0);
        worker = new ChildProcess("image-worker-1", List.of("sleep", "60"), Map.of(), dir.resolve("image-worker-1.log"), 0,
                Duration.ofMillis(100));
        worker.start();
        server = new ServerPart<>("redis", ClusterControlTest::listen, ServerSocket::getLocalPort);
        server.start();
        control.add(server);
        control.add(worker);
    }

    @AfterEach
    void stop() {
        worker.stop();
        server.stop();
        control.close();
    }

    @Test
    void listsEveryProcessWithItsStatePidPortAndLog() throws Exception {
        var list = call("GET", "");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body())
                .contains("{\"name\":\"redis\",\"state\":\"running\",\"pid\":-1,\"port\":" + server.port() + ",\"restarts\":0,\"log\":null}")
                .contains("\"name\":\"image-worker-1\",\"state\":\"running\",\"pid\":" + worker.pid())
                .contains("image-worker-1.log");
    }

    @Test
    void killAnswersOnceTheProcessIsGoneAndTheSupervisorBringsItBack() throws Exception {
        long before = worker.pid();
        var killed = call("POST", "/image-worker-1/kill");
        assertThat(killed.statusCode()).isEqualTo(200);
        assertThat(killed.body()).contains("\"name\":\"image-worker-1\"").doesNotContain("\"pid\":" + before);
        await().atMost(Duration.ofSeconds(20)).until(() -> call("GET", "").body().contains("\"restarts\":1"));
        assertThat(worker.pid()).isPositive().isNotEqualTo(before);
    }

    @Test
    void aServerStopsAndComesBackOnTheSamePort() throws Exception {
        int port = server.port();
        assertThat(call("POST", "/redis/stop").body()).contains("\"state\":\"stopped\"");
        assertThat(call("POST", "/redis/start").body()).contains("\"state\":\"running\"", "\"port\":" + port);
        assertThat(server.server().getLocalPort()).isEqualTo(port);
    }

    @Test
    void badRequestsGetProblemDetailsThatSayWhatToDo() throws Exception {
        var kill = call("POST", "/redis/kill");
        assertThat(kill.statusCode()).isEqualTo(409);
        assertThat(kill.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(kill.body()).contains("\"type\":\"/problems/cluster/cannot-kill\"", "can be stopped and started, not killed");

        var unknown = call("POST", "/nobody/stop");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("/problems/cluster/no-such-process", "GET /processes lists them");

        var action = call("POST", "/redis/explode");
        assertThat(action.statusCode()).isEqualTo(404);
        assertThat(action.body()).contains("/problems/cluster/no-such-action", "use kill, stop or start");

        assertThat(call("DELETE", "/redis/stop").statusCode()).isEqualTo(404);
        assertThat(server.state()).isEqualTo("running");
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(control.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ServerSocket listen(int port) {
        try {
            var socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
