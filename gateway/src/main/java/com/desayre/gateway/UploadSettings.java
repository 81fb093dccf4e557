package com.desayre.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code desayre.uploads.*}: what an uploaded source image (for an edit or a video) may be.
 *
 * @param maxSize   the largest file accepted
 * @param minSide   the smallest width or height in pixels
 * @param maxSide   the largest width or height in pixels
 * @param maxPixels the most pixels (width × height): a small file can still decode to a huge image
 */
@ConfigurationProperties("desayre.uploads")
record UploadSettings(DataSize maxSize, int minSide, int maxSide, long maxPixels) {
    UploadSettings {
        maxSize = maxSize == null ? DataSize.ofMegabytes(20) : maxSize;
        minSide = minSide <= 0 ? 64 : minSide;
        maxSide = maxSide <= 0 ? 4096 : maxSide;
        maxPixels = maxPixels <= 0 ? 4096L * 4096 : maxPixels;
    }
}
