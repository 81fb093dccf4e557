package com.desayre.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The secrets a local run needs, made once and kept in the data folder (owner-readable only),
 * so a restart keeps sessions valid and the admin password unchanged.
 */
final class LocalSecrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    LocalSecrets(Path dataDir) throws IOException {
        this.dir = Files.createDirectories(dataDir.resolve("secrets"));
    }

    /** JWT_SECRET if set, else one generated at first start. */
    String jwtSecret(String fromEnvironment) throws IOException {
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        var file = dir.resolve("jwt-secret");
        if (!Files.exists(file)) {
            write(file, random(48));
        }
        return Files.readString(file).strip();
    }

    /**
     * The admin's sign-in: a password set in the environment, else one generated at first start,
     * shown once and kept only as a bcrypt hash.
     */
    AdminLogin admin(String hashFromEnvironment, String passwordFromEnvironment) throws IOException {
        if (hashFromEnvironment != null && !hashFromEnvironment.isBlank()) {
            return new AdminLogin(hashFromEnvironment, null, "the password whose bcrypt hash is ADMIN_PASSWORD_HASH");
        }
        if (passwordFromEnvironment != null && !passwordFromEnvironment.isBlank()) {
            return new AdminLogin(null, passwordFromEnvironment, "the password in DESAYRE_ADMIN_PASSWORD");
        }
        var file = dir.resolve("admin-password.bcrypt");
        if (Files.exists(file)) {
            return new AdminLogin(Files.readString(file).strip(), null, "the password printed when this data folder was "
                    + "first used (forgot it? set DESAYRE_ADMIN_PASSWORD, or delete " + file + " to get a new one)");
        }
        var password = random(12).replaceAll("[^A-Za-z0-9]", "x");
        write(file, new BCryptPasswordEncoder().encode(password));
        return new AdminLogin(Files.readString(file).strip(), null, password + "   (shown once; kept only as a hash)");
    }

    record AdminLogin(String hash, String plain, String howToSignIn) {
    }

    private static String random(int bytes) {
        var buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the folder's own permissions apply
        }
    }
}
