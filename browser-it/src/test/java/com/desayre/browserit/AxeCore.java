package com.desayre.browserit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * axe-core's script, at the version pinned in {@code src/test/axe/package-lock.json}: {@code npm ci} installs it into
 * {@code target/axe} once per clean build (as the gateway installs redocly). Needs {@code node} and {@code npm} on the
 * PATH, and the npm registry (or its cache in {@code ~/.npm}).
 */
final class AxeCore {
    private static final Path PINNED = Path.of("src/test/axe");
    private static final Path INSTALLED = Path.of("target/axe");

    private static String script;

    private AxeCore() {
    }

    /** axe.min.js, to inject into a page. */
    static synchronized String script() throws IOException, InterruptedException {
        if (script == null) {
            install();
            script = Files.readString(INSTALLED.resolve("node_modules/axe-core/axe.min.js"));
        }
        return script;
    }

    private static void install() throws IOException, InterruptedException {
        var lock = Files.readString(PINNED.resolve("package-lock.json"));
        var marker = INSTALLED.resolve("installed-from.json");
        if (Files.exists(INSTALLED.resolve("node_modules/axe-core/axe.min.js")) && Files.exists(marker)
                && Files.readString(marker).equals(lock)) {
            return;
        }
        Files.createDirectories(INSTALLED);
        Files.copy(PINNED.resolve("package.json"), INSTALLED.resolve("package.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(PINNED.resolve("package-lock.json"), INSTALLED.resolve("package-lock.json"), StandardCopyOption.REPLACE_EXISTING);
        Process npm;
        try {
            npm = new ProcessBuilder(List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"))
                    .directory(INSTALLED.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not run npm: the accessibility check installs axe-core with node and npm on the PATH", e);
        }
        var output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            npm.destroyForcibly();
            throw new IllegalStateException("npm ci of " + PINNED.resolve("package.json") + " failed: node and npm must be on the PATH"
                    + " and the npm registry reachable.\n" + output);
        }
        Files.writeString(marker, lock);
    }
}
