package com.desayre.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Argument parsing, the request each command makes of it, the config file, file names and how refusals read. */
class CommandLineTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Io io(Map<String, String> env) {
        var all = new HashMap<>(env);
        all.put("XDG_CONFIG_HOME", home.toString());
        return new Io(all, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, 100, Clock.systemUTC());
    }

    private <T> T parsed(Class<T> type, String... args) {
        var line = new CommandLine(new Cli(io(Map.of())));
        var result = line.parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return type.cast(result.commandSpec().userObject());
    }

    @Test
    void imageOptionsBecomeTheRequestFieldsAndOnlyThoseGiven() {
        var image = parsed(Generate.Image.class, "image", "a lighthouse at dusk", "--aspect", "16:9", "-n", "2", "--seed", "7",
                "--style", "photo", "--no-enhance", "--priority", "batch", "--max-wait", "60", "-o", "out.png");
        assertThat(image.options.fields(image.prompt).toString()).isEqualTo("{\"prompt\":\"a lighthouse at dusk\",\"aspectRatio\":"
                + "\"16:9\",\"styleProfile\":\"photo\",\"n\":2,\"seed\":7,\"enhance\":false,\"priority\":\"batch\",\"maxWaitSeconds\":60}");
        assertThat(image.options.output.path).isEqualTo(Path.of("out.png"));
        var plain = parsed(Generate.Image.class, "image", "a cat");
        assertThat(plain.options.fields(plain.prompt).toString()).isEqualTo("{\"prompt\":\"a cat\"}");
        assertThat(plain.options.output.noWait).isFalse();
    }

    @Test
    void videoAndEditTakeTheirSourceAndVideoFields() {
        var video = parsed(Generate.Video.class, "video", "--from", "job-1", "waves roll in", "--seconds", "5", "--resolution", "720p",
                "--no-wait", "--json");
        assertThat(video.from).isEqualTo("job-1");
        assertThat(video.seconds).isEqualTo(5);
        assertThat(video.resolution).isEqualTo("720p");
        assertThat(video.options.output.noWait).isTrue();
        assertThat(video.options.output.json).isTrue();
        assertThat(parsed(Generate.Edit.class, "edit", "--from", "x.png", "make it night").from).isEqualTo("x.png");
    }

    @Test
    void historyFiltersBecomeTheQuery() {
        var jobs = parsed(Jobs.History.class, "history", "lighthouse", "--kind", "image", "--status", "completed", "--limit", "5",
                "--everyone", "--pages", "2");
        assertThat(jobs.query).isEqualTo("lighthouse");
        assertThat(jobs.kind).isEqualTo("image");
        assertThat(jobs.pages).isEqualTo(2);
        assertThat(jobs.everyone).isTrue();
    }

    @Test
    void aWrongCommandLineIsAUsageErrorWithoutTouchingTheServer() {
        var unreachable = Map.of("DESAYRE_URL", "http://127.0.0.1:1");
        assertThat(Cli.run(new String[] {"image"}, io(unreachable))).isEqualTo(Exit.USAGE);
        assertThat(err.toString()).contains("Missing required parameter: 'PROMPT'");
        assertThat(Cli.run(new String[] {"image", "a cat", "-n", "two"}, io(unreachable))).isEqualTo(Exit.USAGE);
        assertThat(Cli.run(new String[] {"image", "a cat", "--colour", "red"}, io(unreachable))).isEqualTo(Exit.USAGE);
        assertThat(Cli.run(new String[] {"edit", "no source given"}, io(unreachable))).isEqualTo(Exit.USAGE);
        assertThat(Cli.run(new String[] {"dlq", "replay", "generation.requested.dlq"}, io(unreachable))).isEqualTo(Exit.USAGE);
        assertThat(Cli.run(new String[] {"dlq", "replay", "generation.requested.dlq", "--all", "--job", "x"}, io(unreachable)))
                .isEqualTo(Exit.USAGE);
        assertThat(Cli.run(new String[] {}, io(unreachable))).isEqualTo(Exit.USAGE);
        assertThat(Cli.run(new String[] {"edit", "--from", "missing/file.png", "x"}, io(unreachable))).isEqualTo(Exit.USAGE);
        assertThat(err.toString()).contains("There is no file missing/file.png").doesNotContain("Exception");
    }

    @Test
    void aServerThatDoesNotAnswerIsExitFiveWithWhatToDo() {
        assertThat(Cli.run(new String[] {"jobs"}, io(Map.of("DESAYRE_URL", "http://127.0.0.1:1")))).isEqualTo(Exit.UNREACHABLE);
        assertThat(err.toString()).contains("Cannot reach DESAYRE at http://127.0.0.1:1").contains("./desayre up")
                .doesNotContain("at java.");
    }

    @Test
    void theConfigFileIsTheOwnersOnlyAndTheEnvironmentOverridesIt() throws Exception {
        var config = new Config(io(Map.of()));
        config.save(new Config.Stored("http://studio:8080", "admin", "session-token", null));
        assertThat(config.file()).isEqualTo(home.resolve("desayre/config.json"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.file().getParent()))).isEqualTo("rwx------");
        assertThat(config.target()).isEqualTo(new Config.Target("http://studio:8080", "session-token", true));

        assertThat(new Config(io(Map.of("DESAYRE_TOKEN", "t2"))).target()).isEqualTo(new Config.Target("http://studio:8080", "t2", false));
        assertThat(new Config(io(Map.of("DESAYRE_API_KEY", "dsy_k"))).target().credential()).isEqualTo("dsy_k");
        // the stored session is never sent to a server it did not come from
        assertThat(new Config(io(Map.of("DESAYRE_URL", "http://elsewhere/"))).target())
                .isEqualTo(new Config.Target("http://elsewhere", null, false));
    }

    @Test
    void mediaAreSavedUnderTheNameAskedForNumberedWhenThereAreSeveral() throws Exception {
        var one = done("a", "image/png");
        var two = done("b", "image/png");
        assertThat(Saved.plan(List.of(one), null)).extracting(Saved.File::path).containsExactly(Path.of("a.png"));
        assertThat(Saved.plan(List.of(one), Path.of("out.png"))).extracting(Saved.File::path).containsExactly(Path.of("out.png"));
        assertThat(Saved.plan(List.of(one, two), Path.of("shots/out.png"))).extracting(Saved.File::path)
                .containsExactly(Path.of("shots/out-1.png"), Path.of("shots/out-2.png"));
        assertThat(Saved.plan(List.of(one, two), home)).extracting(Saved.File::path)
                .containsExactly(home.resolve("a.png"), home.resolve("b.png"));
        var failed = new Job("c", "IMAGE", "FAILED", null, null, null, null, List.of(), null, null, null);
        assertThat(Saved.plan(List.of(failed), null)).isEmpty();
        assertThat(Saved.extension(new Job.Media("/api/media/v/0.mp4", "video/mp4", 1, 1, 1, 1L))).isEqualTo("mp4");
    }

    private static Job done(String id, String type) {
        return new Job(id, "IMAGE", "COMPLETED", null, null, null, null,
                List.of(new Job.Media("/api/media/" + id + "/0.png", type, 1024, 1024, 10, null)), null, null, null);
    }

    @Test
    void aProblemReadsAsItsTitleDetailAndFieldsAndARefusalIsExitThree() {
        var refused = Api.refusal(400, "{\"type\":\"/problems/invalid-request\",\"title\":\"Invalid request\",\"status\":400,"
                + "\"detail\":\"The request has 2 problems: see errors.\",\"errors\":[{\"field\":\"aspectRatio\",\"message\":\"must be "
                + "one of 1:1, 16:9.\"},{\"field\":\"n\",\"message\":\"must be between 1 and 4.\"}]}", "POST /api/generate/image");
        assertThat(refused.exitCode).isEqualTo(Exit.REFUSED);
        assertThat(refused.getMessage()).isEqualTo("Invalid request: The request has 2 problems: see errors." + System.lineSeparator()
                + "  aspectRatio: must be one of 1:1, 16:9." + System.lineSeparator() + "  n: must be between 1 and 4.");
        assertThat(refused.problem.path("type").asString()).isEqualTo("/problems/invalid-request");

        var oneField = Api.refusal(400, "{\"title\":\"Invalid request\",\"detail\":\"'n' must be between 1 and 4.\","
                + "\"errors\":[{\"field\":\"n\",\"message\":\"'n' must be between 1 and 4.\"}]}", "POST /api/generate/image");
        assertThat(oneField.getMessage()).isEqualTo("Invalid request: 'n' must be between 1 and 4.");

        var signedOut = Api.refusal(401, "{\"title\":\"Unauthorized\",\"detail\":\"Sign in first.\"}", "GET /api/history");
        assertThat(signedOut.getMessage()).endsWith("Sign in with ./desayre login (or set DESAYRE_TOKEN or DESAYRE_API_KEY).");

        var broken = Api.refusal(502, "<html>bad gateway</html>", "GET /api/history");
        assertThat(broken.exitCode).isEqualTo(Exit.UNREACHABLE);
        assertThat(broken.getMessage()).startsWith("HTTP 502 from GET /api/history");
    }

    @Test
    void severalJobsExitWithTheWorstOutcome() {
        assertThat(Exit.of(List.of("COMPLETED", "COMPLETED"))).isEqualTo(Exit.DONE);
        assertThat(Exit.of(List.of("COMPLETED", "CANCELLED"))).isEqualTo(Exit.CANCELLED);
        assertThat(Exit.of(List.of("CANCELLED", "FAILED"))).isEqualTo(Exit.FAILED);
    }

    @Test
    void anUploadIsTypedByItsBytes() {
        assertThat(Api.imageType(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0})).isEqualTo("image/png");
        assertThat(Api.imageType(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0})).isEqualTo("image/jpeg");
        assertThatThrownBy(() -> { throw new CliException(Exit.USAGE, "x"); }).isInstanceOf(CliException.class);
    }
}
