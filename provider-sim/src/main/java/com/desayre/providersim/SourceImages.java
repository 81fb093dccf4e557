package com.desayre.providersim;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.imageio.ImageIO;

/**
 * An edit's {@code init_image}, fetched over HTTP as the provider would (so it must be reachable
 * from the simulator), kept compressed, decoded when an output is rendered.
 */
final class SourceImages {
    static final int MAX_BYTES = 20 * 1024 * 1024;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    /** The image's bytes, or null when it cannot be fetched or is not an image. */
    byte[] fetch(String url) {
        try {
            URI uri = URI.create(url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                return null;
            }
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    return null;
                }
                byte[] bytes = in.readNBytes(MAX_BYTES + 1);
                return bytes.length > MAX_BYTES || readImage(bytes) == null ? null : bytes;
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    int[] size(byte[] image) {
        BufferedImage decoded = decode(image);
        return new int[] {decoded.getWidth(), decoded.getHeight()};
    }

    BufferedImage decode(byte[] image) {
        BufferedImage decoded = readImage(image);
        if (decoded == null) {
            throw new IllegalStateException("source image no longer decodes");
        }
        return decoded;
    }

    private static BufferedImage readImage(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
