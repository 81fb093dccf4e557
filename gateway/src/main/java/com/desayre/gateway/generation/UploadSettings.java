package com.desayre.gateway.generation;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code desayre.uploads.*}: what an uploaded source image (for an edit or a video) may be, and
 * the bounds on the multipart request that carries it ({@link MultipartForms}).
 *
 * @param maxSize              the largest file accepted
 * @param minSide              the smallest width or height in pixels
 * @param maxSide              the largest width or height in pixels
 * @param maxPixels            the most pixels (width × height): a small file can still decode to a huge image
 * @param maxParts             the most parts in one multipart request (the forms have at most 13)
 * @param maxFieldSize         the largest form field (a prompt is at most a few KB)
 * @param maxPartHeadersSize   the largest headers of one part
 * @param maxRequestSize       the largest whole multipart request; default: {@code maxSize} plus 1 MB for the fields
 * @param maxConcurrentDecodes uploads this instance decodes at once (each takes up to ~130 MB while it runs);
 *                             default: the number of processors, at least 2
 */
@ConfigurationProperties("desayre.uploads")
record UploadSettings(DataSize maxSize, int minSide, int maxSide, long maxPixels, int maxParts, DataSize maxFieldSize,
                      DataSize maxPartHeadersSize, DataSize maxRequestSize, int maxConcurrentDecodes) {
    UploadSettings {
        maxSize = maxSize == null ? DataSize.ofMegabytes(20) : maxSize;
        minSide = minSide <= 0 ? 64 : minSide;
        maxSide = maxSide <= 0 ? 4096 : maxSide;
        maxPixels = maxPixels <= 0 ? 4096L * 4096 : maxPixels;
        maxParts = maxParts <= 0 ? 32 : maxParts;
        maxFieldSize = maxFieldSize == null ? DataSize.ofKilobytes(64) : maxFieldSize;
        maxPartHeadersSize = maxPartHeadersSize == null ? DataSize.ofKilobytes(10) : maxPartHeadersSize;
        maxRequestSize = maxRequestSize == null ? DataSize.ofBytes(maxSize.toBytes() + DataSize.ofMegabytes(1).toBytes()) : maxRequestSize;
        maxConcurrentDecodes = maxConcurrentDecodes <= 0 ? Math.max(2, Runtime.getRuntime().availableProcessors()) : maxConcurrentDecodes;
    }
}
