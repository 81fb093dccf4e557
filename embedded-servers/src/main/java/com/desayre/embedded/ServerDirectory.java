package com.desayre.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.jspecify.annotations.Nullable;

/**
 * Where a server keeps its files: a directory the caller owns (kept as it is, created when missing)
 * or a fresh temporary one under {@code java.io.tmpdir} that is deleted when the server closes.
 */
record ServerDirectory(Path path, boolean temporary) {

    static ServerDirectory of(@Nullable Path given, String tempPrefix) {
        try {
            if (given != null) {
                return new ServerDirectory(Files.createDirectories(given).toAbsolutePath(), false);
            }
            Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
            return new ServerDirectory(Files.createTempDirectory(tmp, tempPrefix).toAbsolutePath(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + (given != null ? given : tempPrefix), e);
        }
    }

    Path resolve(String child) {
        return path.resolve(child);
    }

    /** Deletes a temporary directory; a caller's directory is left alone. */
    void deleteIfTemporary() {
        if (temporary) {
            deleteRecursively(path);
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a leftover temp dir under target/ is harmless: report it, do not fail a close()
            org.slf4j.LoggerFactory.getLogger(ServerDirectory.class).warn("Could not delete {}: {}", root, e.toString());
        }
    }
}
