package com.desayre.platform;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** The local default: media as files under one folder, the content type in a sidecar file. */
public final class FileSystemMediaStore implements MediaStore {
    private static final String TYPE_SUFFIX = ".content-type";

    private final Path root;

    public FileSystemMediaStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public void put(String key, Path file, String contentType) throws IOException {
        var target = resolve(key);
        Files.createDirectories(target.getParent());
        // write beside, then move: a reader never sees a half-written file
        var partial = target.resolveSibling(target.getFileName() + ".partial");
        Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(typeFile(target), contentType);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public Optional<MediaObject> stat(String key) throws IOException {
        var file = resolve(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        var size = Files.size(file);
        var modified = Files.getLastModifiedTime(file).toMillis();
        var type = Files.isRegularFile(typeFile(file)) ? Files.readString(typeFile(file)).strip() : "application/octet-stream";
        return Optional.of(new MediaObject(key, size, type, "\"" + Long.toHexString(modified) + "-" + Long.toHexString(size) + "\""));
    }

    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        var file = resolve(key);
        try {
            var channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(offset);
            return new BoundedInputStream(Channels.newInputStream(channel), length);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(key);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        var file = resolve(key);
        Files.deleteIfExists(file);
        Files.deleteIfExists(typeFile(file));
    }

    private Path resolve(String key) {
        var file = root.resolve(key).normalize();
        if (!file.startsWith(root) || key.isBlank()) {
            throw new IllegalArgumentException("media key escapes the store: " + key);
        }
        return file;
    }

    private static Path typeFile(Path file) {
        return file.resolveSibling(file.getFileName() + TYPE_SUFFIX);
    }

    /** Stops after {@code remaining} bytes so a range read never runs past its end. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            super(in);
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(buffer, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }
}
