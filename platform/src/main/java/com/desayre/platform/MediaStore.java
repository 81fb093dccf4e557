package com.desayre.platform;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Where DESAYRE keeps media: Cloudflare R2 (or any S3-compatible store) in production, a folder
 * on disk for local runs. Keys are deterministic from the job id, so storing a redelivered
 * result overwrites instead of duplicating.
 */
public interface MediaStore {

    /** Stores the file under {@code key}, replacing what was there. */
    void put(String key, Path file, String contentType) throws IOException;

    /**
     * Starts storing the file and returns at once, so the caller can work on while it goes up; the
     * file must stay as it is until the future completes. Stores that cannot do that store at once.
     */
    default CompletableFuture<Void> putAsync(String key, Path file, String contentType) {
        try {
            put(key, file, contentType);
            return CompletableFuture.completedFuture(null);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Waits for a {@link #putAsync}: its failure is thrown as the {@link IOException} {@link #put} would throw. */
    static void await(CompletableFuture<Void> put) throws IOException {
        try {
            put.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            var cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("storing failed: " + cause.getMessage(), cause);
        }
    }

    /** What is stored under {@code key}, if anything. */
    Optional<MediaObject> stat(String key) throws IOException;

    /** Reads {@code length} bytes from {@code offset}; the caller closes the stream. */
    InputStream open(String key, long offset, long length) throws IOException;

    void delete(String key) throws IOException;

    /**
     * @param etag an opaque validator that changes when the bytes change
     */
    record MediaObject(String key, long size, String contentType, String etag) {
    }
}
