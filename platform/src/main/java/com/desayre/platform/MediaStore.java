package com.desayre.platform;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where DESAYRE keeps media: Cloudflare R2 (or any S3-compatible store) in production, a folder
 * on disk for local runs. Keys are deterministic from the job id, so storing a redelivered
 * result overwrites instead of duplicating.
 */
public interface MediaStore {

    /** Stores the file under {@code key}, replacing what was there. */
    void put(String key, Path file, String contentType) throws IOException;

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
