package com.desayre.providersim;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain java.net.http client for the tests, as a real provider client would call the API. */
final class SimClient {
    static final JsonMapper JSON = JsonMapper.builder().build();

    record JsonReply(int status, JsonNode body) {
        String bodyStatus() {
            return body.path("status").asString();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    JsonReply post(String url, Map<String, ?> body) {
        return postRaw(url, JSON.writeValueAsString(body));
    }

    JsonReply postRaw(String url, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
        return new JsonReply(response.statusCode(), JSON.readTree(response.body()));
    }

    HttpResponse<byte[]> get(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
        return send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    byte[] download(String url) {
        HttpResponse<byte[]> response = get(url);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + url + " answered " + response.statusCode());
        }
        return response.body();
    }

    static BufferedImage decode(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            if (image == null) {
                throw new AssertionError("not a decodable image");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
