package com.desayre.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code $XDG_CONFIG_HOME/desayre/config.json} (default {@code ~/.config/desayre/config.json}): the server's URL and the
 * credential {@code ./desayre login} got, readable by its owner only (0600, in a 0700 folder).
 * {@code DESAYRE_URL} and {@code DESAYRE_TOKEN} / {@code DESAYRE_API_KEY} override what it holds.
 */
final class Config {
    static final String DEFAULT_URL = "http://localhost:8080";

    /** What the file holds; {@code token} (a session) or {@code apiKey}, or neither when signed out. */
    record Stored(String url, String username, String token, String apiKey) {
        static final Stored EMPTY = new Stored(null, null, null, null);

        Stored withToken(String renewed) {
            return new Stored(url, username, renewed, apiKey);
        }
    }

    /** The server and the credential a command uses, and whether the credential came from the file (so may be renewed there). */
    record Target(String url, String credential, boolean fromFile) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Path file;
    private final Io io;

    Config(Io io) {
        this.io = io;
        var xdg = io.env("XDG_CONFIG_HOME");
        var home = io.env("HOME") != null ? io.env("HOME") : System.getProperty("user.home");
        this.file = (xdg != null ? Path.of(xdg) : Path.of(home, ".config")).resolve("desayre").resolve("config.json");
    }

    Path file() {
        return file;
    }

    Stored load() {
        if (!Files.isRegularFile(file)) {
            return Stored.EMPTY;
        }
        try {
            return JSON.readValue(file.toFile(), Stored.class);
        } catch (RuntimeException e) {
            throw new CliException(Exit.USAGE, "The config file " + file + " is not readable JSON (" + e.getMessage()
                    + "). Delete it and run ./desayre login again.");
        }
    }

    /** Written to a 0600 file beside it, then moved over it: never half-written, never readable by others. */
    void save(Stored stored) {
        try {
            var dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            var temporary = Files.createTempFile(dir, "config", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.write(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(stored));
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new CliException(Exit.USAGE, "Could not write " + file + ": " + e.getMessage()
                    + ". Set XDG_CONFIG_HOME to a folder you can write, or use DESAYRE_URL and DESAYRE_TOKEN instead.");
        }
    }

    /** The server and credential to use: the environment first, then the file. */
    Target target() {
        var stored = load();
        var url = io.env("DESAYRE_URL") != null ? io.env("DESAYRE_URL") : stored.url() != null ? stored.url() : DEFAULT_URL;
        if (io.env("DESAYRE_TOKEN") != null) {
            return new Target(trim(url), io.env("DESAYRE_TOKEN"), false);
        }
        if (io.env("DESAYRE_API_KEY") != null) {
            return new Target(trim(url), io.env("DESAYRE_API_KEY"), false);
        }
        // the file's credential goes only to the server it came from, never to another one DESAYRE_URL names
        if (stored.url() != null && !trim(stored.url()).equals(trim(url))) {
            return new Target(trim(url), null, false);
        }
        var credential = stored.token() != null ? stored.token() : stored.apiKey();
        return new Target(trim(url), credential, credential != null);
    }

    static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
