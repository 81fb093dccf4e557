package com.desayre.gateway.generation;

import com.desayre.gateway.web.ApiProblem;
import com.desayre.platform.MediaStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Takes a source image uploaded for an edit or a video. Everything is checked before anything is
 * stored: the size while the bytes arrive, the format by its magic bytes (not the file name or the
 * declared type), the dimensions from the header before the pixels are decoded (a small file can
 * declare a gigapixel image). What is stored is a fresh PNG re-encoded from the decoded pixels,
 * so no metadata (EXIF, GPS) and nothing hidden after the image data reaches the provider; and it is
 * stored only once the request is admitted (limits, quota), just before its jobs are published.
 */
@Component
public class Uploads {
    static final String TOO_LARGE = "upload-too-large";
    static final String UNSUPPORTED = "unsupported-upload";
    static final String BAD_DIMENSIONS = "upload-dimensions";
    static final String UNREADABLE = "unreadable-upload";
    static final String BUSY = "uploads-busy";
    /** Uploads whose pixels were decoded (each is the expensive part: up to ~1.5 s and 130 MB for 4096×4096). */
    public static final String DECODES = "desayre.uploads.decodes";

    private final MediaStore store;
    private final UploadSettings settings;
    private final Semaphore decodeSlots;
    private final Counter decodes;

    Uploads(MediaStore store, UploadSettings settings, MeterRegistry meters) {
        this.store = store;
        this.settings = settings;
        this.decodeSlots = new Semaphore(settings.maxConcurrentDecodes());
        this.decodes = Counter.builder(DECODES).description("Uploaded images decoded and re-encoded").register(meters);
    }

    /** The decodes that may run at once; tests hold them to see the next upload refused. */
    public Semaphore decodeSlots() {
        return decodeSlots;
    }

    /**
     * A checked upload, re-encoded as PNG in a temporary file and not stored yet: {@link #put} stores it
     * once the request is admitted, {@link #discard} drops the file either way. A request the limits
     * refuse leaves nothing in the media store.
     */
    record Checked(String key, int width, int height, String sha256, Path file, AtomicBoolean taken) {
        Checked(String key, int width, int height, String sha256, Path file) {
            this(key, width, height, sha256, file, new AtomicBoolean());
        }
    }

    Mono<Checked> check(String ownerId, FilePart part) {
        long max = settings.maxSize().toBytes();
        return DataBufferUtils.join(part.content(), (int) Math.min(Integer.MAX_VALUE - 8, max))
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge())
                .map(buffer -> {
                    try {
                        var bytes = new byte[buffer.readableByteCount()];
                        buffer.read(bytes);
                        return bytes;
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .switchIfEmpty(Mono.error(() -> problem(HttpStatus.BAD_REQUEST, UNREADABLE, "Empty upload",
                        "The uploaded file is empty. Send a PNG, JPEG or WebP image.")))
                .publishOn(Schedulers.boundedElastic())
                .map(bytes -> {
                    // parallel large uploads must not exhaust memory: a bounded number decode at once, the others are told
                    // to come back in a moment (waiting here would hold threads other blocking work needs)
                    if (!decodeSlots.tryAcquire()) {
                        throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, BUSY, "Busy with other uploads",
                                "This server is decoding " + settings.maxConcurrentDecodes() + " uploaded images already, the most "
                                + "it does at once. Nothing was queued or charged: send the request again in a few seconds "
                                + "(Retry-After).", Map.of());
                    }
                    try {
                        decodes.increment();
                        return reencode(ownerId, bytes);
                    } finally {
                        decodeSlots.release();
                    }
                });
    }

    /**
     * Stores a checked upload under its content-named key (a retried upload overwrites, never piles up)
     * and deletes its temporary file; fails if {@link #discard} came first.
     */
    Mono<Void> put(Checked upload) {
        return Mono.<Void>fromCallable(() -> {
            if (!upload.taken().compareAndSet(false, true)) {
                throw new IllegalStateException("the upload was discarded before it could be stored");
            }
            try {
                store.put(upload.key(), upload.file(), "image/png");
                return null;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("Storing the upload failed", e);
            } finally {
                deleteQuietly(upload.file());
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** Deletes the temporary file of an upload that {@link #put} has not taken (refused, failed, or answered already). */
    void discard(Checked upload) {
        if (upload.taken().compareAndSet(false, true)) {
            deleteQuietly(upload.file());
        }
    }

    private Checked reencode(String ownerId, byte[] bytes) {
        var format = format(bytes);
        if (format == null) {
            throw problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, UNSUPPORTED, "Unsupported image type",
                    "The upload is not a PNG, JPEG or WebP image. Convert it to one of those and try again.");
        }
        var image = decode(bytes, format);
        var sha256 = sha256(bytes);
        // named by content: the same image uploaded again (a retried request) overwrites, never piles up
        var key = "uploads/" + safe(ownerId) + "/" + sha256 + ".png";
        Path file = null;
        try {
            file = Files.createTempFile("desayre-upload-", ".png");
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException("no PNG writer");
            }
            return new Checked(key, image.getWidth(), image.getHeight(), sha256, file);
        } catch (IOException e) {
            deleteQuietly(file);
            throw new java.io.UncheckedIOException("Re-encoding the upload failed", e);
        } catch (RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file: the OS cleans its temp folder
            }
        }
    }

    /** Reads the size from the header first; decodes the pixels only when it is within the limits. */
    private BufferedImage decode(byte[] bytes, String format) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            var readers = ImageIO.getImageReadersByFormatName(format);
            if (!readers.hasNext()) {
                throw problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, UNSUPPORTED, "Unsupported image type",
                        "This server cannot read " + format.toUpperCase() + " images. Send a PNG or JPEG.");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                checkDimensions(width, height);
                var image = reader.read(0);
                return opaqueOrAlpha(image);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiProblem problem) {
                throw problem;
            }
            throw problem(HttpStatus.BAD_REQUEST, UNREADABLE, "Unreadable image",
                    "The uploaded " + format.toUpperCase() + " could not be decoded; it may be damaged. Export it again and retry.");
        }
    }

    private void checkDimensions(int width, int height) {
        if (width < settings.minSide() || height < settings.minSide() || width > settings.maxSide()
                || height > settings.maxSide() || (long) width * height > settings.maxPixels()) {
            throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, BAD_DIMENSIONS, "Image size not accepted",
                    "The image is " + width + "x" + height + " pixels; each side must be " + settings.minSide() + " to "
                    + settings.maxSide() + " pixels and the whole at most " + settings.maxPixels() + " pixels. "
                    + "Resize it and try again.", Map.of("width", width, "height", height));
        }
    }

    /** Re-encoding as PNG needs a plain RGB(A) raster; CMYK JPEGs and indexed PNGs come out otherwise. */
    private static BufferedImage opaqueOrAlpha(BufferedImage image) {
        int type = image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        if (image.getType() == type) {
            return image;
        }
        var copy = new BufferedImage(image.getWidth(), image.getHeight(), type);
        var g = copy.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return copy;
    }

    /** The format named by the file's first bytes, or null. */
    static String format(byte[] b) {
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "png";
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
            return "jpeg";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "webp";
        }
        return null;
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    ApiProblem tooLarge() {
        return problem(HttpStatus.CONTENT_TOO_LARGE, TOO_LARGE, "Upload too large",
                "The upload is larger than " + settings.maxSize().toMegabytes() + " MB. Send a smaller or more compressed file.");
    }

    private static ApiProblem problem(HttpStatus status, String type, String title, String detail) {
        return new ApiProblem(status, type, title, detail, Map.of());
    }

    /** Owner ids are ours (UUIDs or names), but a key segment must never climb out of its folder. */
    private static String safe(String ownerId) {
        return ownerId.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
