package com.desayre.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster's supervisor on real processes: a kill is a crash it recovers from, a stop lasts. */
class ChildProcessTest {

    @TempDir
    Path dir;

    private ChildProcess child;

    @AfterEach
    void stop() {
        if (child != null) {
            child.stop();
        }
    }

    @Test
    void aKilledProcessIsStartedAgainWithItsSettingsInTheEnvironmentAndItsLogTellsTheStory() throws Exception {
        child = new ChildProcess("worker-1", List.of("sh", "-c", "echo \"greeting: $GREETING\"; exec sleep 60"),
                Map.of("GREETING", "hello from the environment"), dir.resolve("logs/worker-1.log"), 0, Duration.ofMillis(100));
        child.start();
        long first = child.pid();
        assertThat(first).isPositive();
        assertThat(ProcessHandle.of(first).orElseThrow().info().commandLine().orElse("")).doesNotContain("hello from");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(child.log()).contains("greeting: hello"));

        child.kill();

        assertThat(ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        await().atMost(Duration.ofSeconds(20)).until(() -> child.state().equals("running") && child.pid() != first);
        assertThat(child.restarts()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readString(child.log()))
                .contains("started, pid " + first, "killed (SIGKILL)", "exited with status", "started, pid " + child.pid())
                .containsPattern("(?s)greeting: hello from the environment.*greeting: hello from the environment"));
    }

    @Test
    void aStoppedProcessStaysStoppedUntilStarted() {
        child = new ChildProcess("worker-2", List.of("sleep", "60"), Map.of(), dir.resolve("worker-2.log"), 0, Duration.ofMillis(50));
        child.start();
        child.stop();
        assertThat(child.state()).isEqualTo("stopped");
        assertThat(child.pid()).isEqualTo(-1);
        // well past the restart delay: no supervisor brings it back
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> child.state().equals("stopped"));

        child.start();
        assertThat(child.state()).isEqualTo("running");
        assertThat(child.restarts()).isZero();
    }

    @Test
    void aProcessThatDiesByItselfIsRestartedToo() {
        child = new ChildProcess("flaky-1", List.of("sh", "-c", "sleep 0.2; exit 3"), Map.of(), dir.resolve("flaky-1.log"), 0,
                Duration.ofMillis(50));
        child.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> child.restarts() >= 2);
        child.stop();
        assertThat(child.state()).isEqualTo("stopped");
    }
}
