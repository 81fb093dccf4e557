package com.desayre.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.stackit.Studio;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The CLI end to end, in-process ({@link Cli#run} with its console passed in), against the whole studio ({@link Studio}:
 * every service, the provider simulator and the test kit's real servers, shared with the other end-to-end tests in this
 * JVM). In the CLI's own package, so it reaches the package-private program it drives. It signs
 * in as a person would (the password on standard input), makes images and follows them over SSE to COMPLETED, saves the
 * PNGs, uploads one for an edit, reads a refusal as exit 3, and cancels a job held in a paused lane (exit 4).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {
    private static final String PASSWORD = Studio.PASSWORD;

    private static String base;
    private static Path config;
    private static Path work;

    @BeforeAll
    static void startTheStudio() throws Exception {
        base = Studio.get().base;
        var tmp = Path.of(System.getProperty("java.io.tmpdir"));
        config = Files.createTempDirectory(tmp, "cli-config");
        work = Files.createTempDirectory(tmp, "cli-work");
    }

    /** One run of the CLI: its exit code and what it printed. */
    record Run(int exit, String out, String err) {
        JsonNode json() {
            return Api.JSON.readTree(out);
        }
    }

    private static Run withInput(String stdin, String... args) {
        return run(false, stdin, args);
    }

    /** As on a terminal 80 columns wide: live lines redrawn in place. */
    private static Run onATerminal(String... args) {
        return run(true, "", args);
    }

    private static Run run(boolean terminal, String stdin, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var io = new Io(Map.of("DESAYRE_URL", base, "XDG_CONFIG_HOME", config.toString()),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), terminal, 80, Clock.systemUTC());
        var exit = Cli.run(args, io);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run cli(String... args) {
        return withInput("", args);
    }

    @Test
    @Order(1)
    void signInMakeAnImageFollowItLiveAndSaveThePng() throws Exception {
        var login = withInput(PASSWORD + "\n", "login", "-u", "admin");
        assertThat(login.exit()).as(login.err()).isEqualTo(Exit.DONE);
        assertThat(login.out()).contains("Signed in to " + base + " as admin");
        var file = config.resolve("desayre/config.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains("\"token\"").doesNotContain(PASSWORD);

        var png = work.resolve("lighthouse.png");
        var image = cli("image", "a lighthouse at dusk", "--aspect", "16:9", "--seed", "7", "-o", png.toString());
        assertThat(image.exit()).as(image.err()).isEqualTo(Exit.DONE);
        // not a terminal: plain lines, one per status change, from where the job stood when its stream opened (QUEUED or
        // a step later) to COMPLETED, then the saved file's path
        var lines = image.out().lines().toList();
        assertThat(lines.get(0)).matches("[0-9a-f-]{36} (QUEUED|ENCODED|WAITING|SUBMITTED|PROCESSING|STORING) .*");
        assertThat(lines).anyMatch(line -> line.matches("[0-9a-f-]{36} COMPLETED \\d+x\\d+ png .*"));
        assertThat(lines.get(lines.size() - 1)).isEqualTo(png.toString());
        assertThat(lines.stream().map(line -> line.split(" ")[0]).distinct().count()).isEqualTo(2);
        var decoded = ImageIO.read(png.toFile());
        assertThat(decoded.getWidth()).isGreaterThan(decoded.getHeight());

        // on a terminal: the cursor hidden, each frame rewrites the job's line in place (never wider than the terminal),
        // the last one says COMPLETED, then the cursor is back and the path follows
        var live = onATerminal("image", "a lighthouse at dawn", "-o", work.resolve("dawn.png").toString());
        assertThat(live.exit()).as(live.err()).isEqualTo(Exit.DONE);
        assertThat(live.out()).startsWith(ProgressLine.HIDE_CURSOR).contains("\u001b[1A\r\u001b[2K")
                .endsWith(ProgressLine.SHOW_CURSOR + work.resolve("dawn.png") + System.lineSeparator());
        var frames = live.out().split("\r\u001b\\[2K");
        assertThat(frames[frames.length - 1]).contains(" COMPLETED ");
        assertThat(java.util.Arrays.stream(frames).skip(1).map(frame -> frame.substring(0, frame.indexOf('\n'))))
                .allSatisfy(line -> assertThat(line).hasSize(79));

        // the upload path: that PNG, edited
        var edited = work.resolve("edited.png");
        var edit = cli("edit", "--from", png.toString(), "make it night", "-o", edited.toString());
        assertThat(edit.exit()).as(edit.err()).isEqualTo(Exit.DONE);
        assertThat(ImageIO.read(edited.toFile())).isNotNull();
    }

    @Test
    @Order(2)
    void aRefusedRequestIsExitThreeWithTheProblemsWordsAndNoStackTrace() {
        var refused = cli("image", "a lighthouse", "--aspect", "7:3");
        assertThat(refused.exit()).isEqualTo(Exit.REFUSED);
        assertThat(refused.err()).startsWith("Invalid request: ").contains("7:3").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(refused.out()).isEmpty();

        var json = cli("image", "a lighthouse", "-n", "9", "--json");
        assertThat(json.exit()).isEqualTo(Exit.REFUSED);
        assertThat(json.json().path("type").asString()).isEqualTo("/problems/invalid-request");

        var notFound = cli("get", "no-such-job");
        assertThat(notFound.exit()).isEqualTo(Exit.REFUSED);
        assertThat(notFound.err()).startsWith("Not found: ");
    }

    @Test
    @Order(3)
    void jsonPrintsOnlyResultsThatParse() throws Exception {
        var made = cli("image", "two boats", "-n", "2", "--seed", "3", "-o", work.toString(), "--json");
        assertThat(made.exit()).as(made.err()).isEqualTo(Exit.DONE);
        var jobs = made.json().path("jobs");
        assertThat(jobs.size()).isEqualTo(2);
        for (var job : jobs) {
            assertThat(job.path("status").asString()).isEqualTo("COMPLETED");
            assertThat(Path.of(job.path("files").get(0).asString())).isRegularFile().hasParentRaw(work);
        }
        var first = jobs.get(0).path("jobId").asString();

        var history = cli("jobs", "boats", "--kind", "image", "--json");
        assertThat(history.exit()).as(history.err()).isEqualTo(Exit.DONE);
        assertThat(history.json().path("items").valueStream().map(item -> item.path("jobId").asString()))
                .contains(first, jobs.get(1).path("jobId").asString());

        var again = work.resolve("again.png");
        var get = cli("get", first, "-o", again.toString(), "--json");
        assertThat(get.exit()).isEqualTo(Exit.DONE);
        assertThat(get.json().path("jobs").get(0).path("files").get(0).asString()).isEqualTo(again.toAbsolutePath().toString());
        assertThat(Files.mismatch(again, Path.of(jobs.get(0).path("files").get(0).asString()))).isEqualTo(-1L);

        // a finished job can be neither cancelled nor retried: refused, with the server's reason
        var cancel = cli("cancel", first);
        assertThat(cancel.exit()).isEqualTo(Exit.REFUSED);
        assertThat(cancel.err()).contains("already ended as COMPLETED");
    }

    @Test
    @Order(4)
    void aJobHeldInAPausedLaneCanBeCancelledAndEndsWithExitFour() {
        var pause = cli("queues", "pause", "batch", "--worker", "image-worker", "--reason", "cli test");
        assertThat(pause.exit()).as(pause.err()).isEqualTo(Exit.DONE);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var lanes = cli("queues", "--json").json().path("lanes");
                return lanes.valueStream().anyMatch(lane -> lane.path("service").asString().equals("image-worker")
                        && lane.path("lane").asString().equals("BATCH") && lane.path("paused").asBoolean()
                        && lane.path("liveInstances").asInt() > 0
                        && lane.path("instancesObeying").asInt() == lane.path("liveInstances").asInt());
            });
            var held = cli("image", "a held lighthouse", "--priority", "batch", "--no-wait");
            assertThat(held.exit()).as(held.err()).isEqualTo(Exit.DONE);
            var jobId = held.out().strip();

            var cancel = cli("cancel", jobId);
            assertThat(cancel.exit()).as(cancel.err()).isEqualTo(Exit.DONE);
            assertThat(cancel.out()).contains("CANCELLED");
            var get = cli("get", jobId);
            assertThat(get.exit()).isEqualTo(Exit.CANCELLED);
            assertThat(get.err()).contains("was CANCELLED");
        } finally {
            assertThat(cli("queues", "resume", "batch", "--worker", "image-worker").exit()).isEqualTo(Exit.DONE);
        }
        var queues = cli("queues");
        assertThat(queues.exit()).isEqualTo(Exit.DONE);
        assertThat(queues.out()).contains("image-worker").contains("generation.requested.dlq");
        var dlq = cli("dlq", "list", "generation.requested.dlq", "--json");
        assertThat(dlq.exit()).as(dlq.err()).isEqualTo(Exit.DONE);
        assertThat(dlq.json().path("topic").asString()).isEqualTo("generation.requested.dlq");
    }

    @Test
    @Order(5)
    void signedOutTheCliSaysHowToSignInAgainAndAnApiKeyWorksInstead() throws Exception {
        // a personal API key, made with the session the CLI stored
        var session = Api.JSON.readTree(config.resolve("desayre/config.json").toFile()).path("token").asString();
        var key = new Api(base, session, renewed -> { }).post("/api/keys", Api.JSON.createObjectNode().put("name", "cli test"))
                .path("key").asString();
        assertThat(key).startsWith("dsy_");

        assertThat(cli("logout").exit()).isEqualTo(Exit.DONE);
        var refused = cli("jobs");
        assertThat(refused.exit()).isEqualTo(Exit.REFUSED);
        assertThat(refused.err()).contains("./desayre login");

        var login = withInput(key + "\n", "login", "--api-key");
        assertThat(login.exit()).as(login.err()).isEqualTo(Exit.DONE);
        assertThat(login.out()).contains("as admin (API key)");
        assertThat(cli("jobs", "--limit", "1").exit()).isEqualTo(Exit.DONE);
        assertThat(cli("logout").exit()).isEqualTo(Exit.DONE);
        assertThat(cli("jobs").exit()).isEqualTo(Exit.REFUSED);
    }
}
