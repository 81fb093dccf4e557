package com.desayre.contracts;

import org.jspecify.annotations.Nullable;

/**
 * One stored output of a finished job.
 *
 * @param key      the object key in DESAYRE's own media store (never a provider URL)
 * @param mimeType e.g. {@code image/png}
 * @param bytes    the object's size
 * @param sha256   hex digest of the stored bytes
 * @param thumbnailKey a web-sized JPEG beside it (an image's thumbnail, a video's poster frame), or null
 * @param durationMillis a video's length, read from its MP4 index (0 when the file does not say); null for
 *                       images, and in events from before it was recorded
 */
public record StoredMedia(String key, String mimeType, int width, int height, long bytes, String sha256,
                          @Nullable String thumbnailKey, @Nullable Long durationMillis) {

    /** An image's: no duration. */
    public StoredMedia(String key, String mimeType, int width, int height, long bytes, String sha256,
                       @Nullable String thumbnailKey) {
        this(key, mimeType, width, height, bytes, sha256, thumbnailKey, null);
    }
}
