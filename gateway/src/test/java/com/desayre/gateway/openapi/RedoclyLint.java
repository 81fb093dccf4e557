package com.desayre.gateway.openapi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code redocly lint} from the npm package {@code @redocly/cli}, at the version pinned in
 * {@code src/test/openapi/package-lock.json}: {@code npm ci} installs it into {@code target/redocly} once per clean
 * build (the lock file is copied there, so the source tree gets no {@code node_modules}). Needs {@code node} 20.19+
 * and {@code npm} on the PATH, and the npm registry (or its cache in {@code ~/.npm}).
 */
final class RedoclyLint {
    private static final Path PINNED = Path.of("src/test/openapi");
    private static final Path INSTALLED = Path.of("target/redocly");
    private static final long MINUTES = 5;

    private RedoclyLint() {
    }

    /** What {@code redocly lint} said about a document, and its exit code (0: no errors). */
    record Result(int exitCode, String output) {
    }

    /** Lints {@code document} with the rules of {@code src/test/openapi/redocly.yaml}. */
    static Result lint(Path document) throws IOException, InterruptedException {
        install();
        var cli = INSTALLED.resolve("node_modules/@redocly/cli/bin/cli.js").toAbsolutePath();
        return run(INSTALLED, "node", cli.toString(), "lint", document.toAbsolutePath().toString(),
                "--config=" + PINNED.resolve("redocly.yaml").toAbsolutePath(), "--format=stylish", "--max-problems=1000");
    }

    /** {@code npm ci} from the pinned lock file, unless this lock file is already installed. */
    private static synchronized void install() throws IOException, InterruptedException {
        var lock = Files.readString(PINNED.resolve("package-lock.json"));
        var installedLock = INSTALLED.resolve("node_modules/.package-lock.json");
        var marker = INSTALLED.resolve("installed-from.json");
        if (Files.exists(installedLock) && Files.exists(marker) && Files.readString(marker).equals(lock)) {
            return;
        }
        Files.createDirectories(INSTALLED);
        Files.copy(PINNED.resolve("package.json"), INSTALLED.resolve("package.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(PINNED.resolve("package-lock.json"), INSTALLED.resolve("package-lock.json"), StandardCopyOption.REPLACE_EXISTING);
        var npm = run(INSTALLED, "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts");
        if (npm.exitCode() != 0) {
            throw new IllegalStateException("npm ci of " + PINNED.resolve("package.json") + " failed (exit " + npm.exitCode()
                    + "): node 20.19+ and npm must be on the PATH and the npm registry reachable.\n" + npm.output());
        }
        Files.writeString(marker, lock);
    }

    private static Result run(Path directory, String... command) throws IOException, InterruptedException {
        var builder = new ProcessBuilder(List.of(command)).directory(directory.toFile()).redirectErrorStream(true);
        // no telemetry, no update check: the lint neither phones home nor depends on the network
        builder.environment().put("REDOCLY_TELEMETRY", "off");
        builder.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
        builder.environment().put("NO_COLOR", "1");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not run '" + command[0] + "': the OpenAPI lint needs node 20.19+ and npm on the PATH", e);
        }
        var output = new ArrayList<String>();
        var reader = new Thread(() -> {
            try (var lines = process.inputReader(StandardCharsets.UTF_8)) {
                lines.lines().forEach(output::add);
            } catch (IOException ignored) {
                // the process ended: what was read is the output
            }
        });
        reader.start();
        if (!process.waitFor(MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + MINUTES + " minutes");
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        return new Result(process.exitValue(), String.join("\n", output));
    }
}
