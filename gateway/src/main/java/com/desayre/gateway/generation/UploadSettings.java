package com.desayre.gateway.generation;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

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
 *                             0 or unset: the number of processors, at least 2
 *
 * <p>An unset value takes its default; a set one out of range stops start-up naming the property. Sizes are checked
 * here (no constraint reads a {@link DataSize}), as is {@code minSide <= maxSide}.
 */
@ConfigurationProperties("desayre.uploads")
@Validated
record UploadSettings(DataSize maxSize, @NotNull @Positive Integer minSide, @NotNull @Positive Integer maxSide,
                      @NotNull @Positive Long maxPixels, @NotNull @Positive Integer maxParts, DataSize maxFieldSize,
                      DataSize maxPartHeadersSize, DataSize maxRequestSize, @NotNull @Positive Integer maxConcurrentDecodes) {
    UploadSettings {
        maxSize = positive(maxSize, DataSize.ofMegabytes(20), "max-size");
        minSide = minSide == null ? 64 : minSide;
        maxSide = maxSide == null ? 4096 : maxSide;
        if (minSide > maxSide) {
            throw new IllegalStateException("desayre.uploads.min-side (" + minSide + ") must not be larger than desayre.uploads.max-side ("
                    + maxSide + ").");
        }
        maxPixels = maxPixels == null ? 4096L * 4096 : maxPixels;
        maxParts = maxParts == null ? 32 : maxParts;
        maxFieldSize = positive(maxFieldSize, DataSize.ofKilobytes(64), "max-field-size");
        maxPartHeadersSize = positive(maxPartHeadersSize, DataSize.ofKilobytes(10), "max-part-headers-size");
        maxRequestSize = positive(maxRequestSize, DataSize.ofBytes(maxSize.toBytes() + DataSize.ofMegabytes(1).toBytes()), "max-request-size");
        // 0 is how the shipped gateway.yml says "unset" (${DESAYRE_UPLOAD_MAX_DECODES:0})
        maxConcurrentDecodes = maxConcurrentDecodes == null || maxConcurrentDecodes == 0
                ? Math.max(2, Runtime.getRuntime().availableProcessors()) : maxConcurrentDecodes;
    }

    private static DataSize positive(DataSize value, DataSize fallback, String name) {
        if (value == null) {
            return fallback;
        }
        if (value.toBytes() <= 0) {
            throw new IllegalStateException("desayre.uploads." + name + " must be more than 0 bytes (it is " + value + ").");
        }
        return value;
    }
}
