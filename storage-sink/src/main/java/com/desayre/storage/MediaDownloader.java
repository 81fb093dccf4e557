package com.desayre.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import javax.imageio.ImageIO;
import org.springframework.stereotype.Component;

/**
 * Streams a provider output to a temporary file (never the whole file in heap), hashing it on
 * the way, then checks by its magic bytes that it really is the media it claims to be.
 */
@Component
class MediaDownloader {
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    private final StorageSettings settings;

    MediaDownloader(StorageSettings settings) {
        this.settings = settings;
    }

    /** @param durationMillis a video's length, null for images (and 0 when the video does not say) */
    record Downloaded(Path file, String mimeType, String extension, int width, int height, long bytes, String sha256,
                      Long durationMillis) {
    }

    Downloaded download(String url) throws IOException, BadProviderOutputException {
        var request = com.desayre.platform.JobTrace.onto(HttpRequest.newBuilder(URI.create(url)).timeout(settings.downloadTimeout()))
                .GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading", e);
        }
        var file = Files.createTempFile("desayre-download-", ".bin");
        try (var body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("provider output answered HTTP " + response.statusCode());
            }
            var digest = sha256();
            long bytes;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), digest)) {
                bytes = copyAtMost(body, out, settings.maxDownloadBytes());
            }
            return describe(file, bytes, HexFormat.of().formatHex(digest.digest()));
        } catch (IOException | BadProviderOutputException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    private Downloaded describe(Path file, long bytes, String sha256) throws IOException, BadProviderOutputException {
        var type = MediaType.sniff(file);
        if (type == null) {
            throw new BadProviderOutputException("The provider returned a file that is not a PNG, JPEG, WebP or MP4 image or video.");
        }
        int width = 0;
        int height = 0;
        Long durationMillis = null;
        if (type == MediaType.MP4) {
            // from the MP4's own index, wherever in the file it is: never the video in the heap
            var video = Mp4Info.read(file);
            width = video.map(Mp4Info.Video::width).orElse(0);
            height = video.map(Mp4Info.Video::height).orElse(0);
            durationMillis = video.map(Mp4Info.Video::durationMillis).orElse(0L);
        } else if (type.image()) {
            try (var in = ImageIO.createImageInputStream(file.toFile())) {
                var readers = ImageIO.getImageReaders(in);
                if (readers.hasNext()) {
                    var reader = readers.next();
                    try {
                        reader.setInput(in);
                        width = reader.getWidth(0);
                        height = reader.getHeight(0);
                    } finally {
                        reader.dispose();
                    }
                } else if (type != MediaType.WEBP) {
                    throw new BadProviderOutputException("The provider returned an image that cannot be read.");
                }
            } catch (javax.imageio.IIOException e) {
                throw new BadProviderOutputException("The provider returned a damaged image.");
            }
        }
        return new Downloaded(file, type.mimeType(), type.extension(), width, height, bytes, sha256, durationMillis);
    }

    private static long copyAtMost(InputStream in, OutputStream out, long limit) throws IOException, BadProviderOutputException {
        var buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
            if (total > limit) {
                throw new BadProviderOutputException("The provider returned a file larger than " + limit + " bytes.");
            }
            out.write(buffer, 0, n);
        }
        return total;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The media types DESAYRE stores, recognised by their first bytes. */
    enum MediaType {
        PNG("image/png", "png", true),
        JPEG("image/jpeg", "jpg", true),
        WEBP("image/webp", "webp", true),
        MP4("video/mp4", "mp4", false);

        private final String mimeType;
        private final String extension;
        private final boolean image;

        MediaType(String mimeType, String extension, boolean image) {
            this.mimeType = mimeType;
            this.extension = extension;
            this.image = image;
        }

        String mimeType() {
            return mimeType;
        }

        String extension() {
            return extension;
        }

        boolean image() {
            return image;
        }

        static MediaType sniff(Path file) throws IOException {
            var head = new byte[12];
            int read;
            try (var in = Files.newInputStream(file)) {
                read = in.readNBytes(head, 0, head.length);
            }
            if (read >= 8 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
                return PNG;
            }
            if (read >= 3 && (head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xD8 && (head[2] & 0xff) == 0xFF) {
                return JPEG;
            }
            if (read >= 12 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F'
                    && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
                return WEBP;
            }
            if (read >= 8 && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p') {
                return MP4;
            }
            return null;
        }
    }
}
