package com.desayre.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * DESAYRE's public REST API over the JDK's HttpClient: JSON in and out, multipart uploads, media downloads and the SSE
 * streams. Every refusal becomes a {@link CliException}: a 4xx problem+json is {@link Exit#REFUSED} with its title and
 * detail (and each field error), a 5xx or a server that cannot be reached is {@link Exit#UNREACHABLE}. A session token
 * the gateway renews on the way ({@code X-Session-Token}) is handed to {@code onRenewed}.
 */
final class Api {
    static final JsonMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    static final String RENEWED_TOKEN = "X-Session-Token";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** A request that may not have arrived is sent again this often, with the same Idempotency-Key. */
    private static final int SUBMIT_ATTEMPTS = 3;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    final String base;
    private volatile String credential;
    private final Consumer<String> onRenewed;

    Api(String base, String credential, Consumer<String> onRenewed) {
        this.base = base;
        this.credential = credential;
        this.onRenewed = onRenewed;
    }

    JsonNode get(String path) {
        return json(send(request(path).GET(), "GET " + path));
    }

    JsonNode post(String path, JsonNode body) {
        var request = request(path).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        return json(send(request, "POST " + path));
    }

    /**
     * A generation request: sent with an Idempotency-Key of its own, so when the answer is lost on the way (a reset
     * connection, a timeout) sending it again returns the same jobs instead of making new ones.
     */
    JsonNode submit(String path, JsonNode body) {
        return submit(path, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #submit(String, JsonNode)}, as multipart/form-data: the fields and the file as the part {@code filePart}. */
    JsonNode submitMultipart(String path, Map<String, String> fields, String filePart, Path file) {
        var boundary = "desayre-cli-" + UUID.randomUUID();
        var body = new ByteArrayOutputStream();
        fields.forEach((name, value) -> body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                + "\"\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8)));
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CliException(Exit.USAGE, "Cannot read " + file + ": " + e.getMessage() + ".");
        }
        var name = file.getFileName().toString().replaceAll("[\"\\\\\r\n]", "_");
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + filePart + "\"; filename=\"" + name
                + "\"\r\nContent-Type: " + imageType(bytes) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(bytes);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return submit(path, "multipart/form-data; boundary=" + boundary, body.toByteArray());
    }

    private JsonNode submit(String path, String contentType, byte[] body) {
        var key = UUID.randomUUID().toString();
        for (int attempt = 1; ; attempt++) {
            var request = request(path).header("Content-Type", contentType).header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            try {
                return json(send(request, "POST " + path));
            } catch (CliException e) {
                if (e.exitCode != Exit.UNREACHABLE || e.problem != null || attempt >= SUBMIT_ATTEMPTS) {
                    throw e;
                }
                pause(Duration.ofSeconds(attempt));
            }
        }
    }

    /** What the bytes are, for the part's Content-Type (the gateway checks the bytes itself either way). */
    static String imageType(byte[] bytes) {
        if (bytes.length > 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
            return "image/png";
        }
        if (bytes.length > 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8 && (bytes[2] & 0xff) == 0xff) {
            return "image/jpeg";
        }
        if (bytes.length > 12 && new String(bytes, 0, 4, StandardCharsets.ISO_8859_1).equals("RIFF")
                && new String(bytes, 8, 4, StandardCharsets.ISO_8859_1).equals("WEBP")) {
            return "image/webp";
        }
        return "application/octet-stream";
    }

    /**
     * Saves a media file: written beside the target and moved over it once whole, so a broken download never leaves a
     * half-written file under the name asked for. The credential goes only to this server, never to another host a
     * public media URL may name.
     */
    void download(String url, Path target) {
        var absolute = url.startsWith("http://") || url.startsWith("https://");
        var builder = absolute ? HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10)) : request(url);
        if (absolute && url.startsWith(base + "/") && credential != null) {
            builder.header("Authorization", "Bearer " + credential);
        }
        try {
            var dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            // not createTempFile: that would make the media 0600; this file gets the umask's permissions like any other
            var partial = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
            try {
                var response = http.send(builder.timeout(Duration.ofMinutes(10)).GET().build(), HttpResponse.BodyHandlers.ofFile(partial));
                if (response.statusCode() / 100 != 2) {
                    throw refusal(response.statusCode(), Files.readString(partial), "GET " + url);
                }
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw unreachable(e, "GET " + url);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(Exit.UNREACHABLE, "Interrupted while downloading " + url + ".");
        }
    }

    /** An SSE stream's lines; the caller closes the stream. A refusal to open it is a {@link CliException}. */
    Stream<String> events(String path) {
        // no request timeout: the stream lives as long as the job; the follower closes a stream gone silent
        var request = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream");
        if (credential != null) {
            request.header("Authorization", "Bearer " + credential);
        }
        try {
            var response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
            renewed(response);
            if (response.statusCode() != 200) {
                String body;
                try (var lines = response.body()) {
                    body = String.join("\n", (Iterable<String>) lines.limit(200)::iterator);
                }
                throw refusal(response.statusCode(), body, "GET " + path);
            }
            return response.body();
        } catch (IOException e) {
            throw unreachable(e, "GET " + path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(Exit.UNREACHABLE, "Interrupted.");
        }
    }

    private HttpRequest.Builder request(String path) {
        var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).header("Accept", "application/json");
        if (credential != null) {
            builder.header("Authorization", "Bearer " + credential);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String what) {
        try {
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            renewed(response);
            if (response.statusCode() / 100 != 2) {
                throw refusal(response.statusCode(), response.body(), what);
            }
            return response;
        } catch (IOException e) {
            throw unreachable(e, what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(Exit.UNREACHABLE, "Interrupted.");
        }
    }

    private void renewed(HttpResponse<?> response) {
        response.headers().firstValue(RENEWED_TOKEN).ifPresent(token -> {
            credential = token;
            onRenewed.accept(token);
        });
    }

    private static JsonNode json(HttpResponse<String> response) {
        var body = response.body();
        return body == null || body.isBlank() ? null : JSON.readTree(body);
    }

    private CliException unreachable(IOException e, String what) {
        var why = e instanceof HttpConnectTimeoutException || e instanceof ConnectException ? "nothing answers there"
                : e instanceof HttpTimeoutException ? "it did not answer in time" : String.valueOf(e.getMessage());
        return new CliException(Exit.UNREACHABLE, "Cannot reach DESAYRE at " + base + " (" + what + ": " + why + "). Is it running "
                + "(./desayre up)? Point the CLI at it with DESAYRE_URL or ./desayre login --url <url>.", null, e);
    }

    /**
     * The server's answer as a sentence: the problem's title and detail, each field it names, and what to do next.
     * 4xx is a refusal; 5xx a server failure (with the request id a problem carries, to report).
     */
    static CliException refusal(int status, String body, String what) {
        JsonNode problem = null;
        try {
            problem = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (RuntimeException notJson) {
            // a proxy's HTML page, say: the status alone
        }
        var problemLike = problem != null && problem.isObject() && (problem.has("title") || problem.has("detail"));
        var text = new StringBuilder();
        if (problemLike) {
            text.append(problem.path("title").asString("Refused"));
            var detail = problem.path("detail").asString("");
            if (!detail.isBlank()) {
                text.append(": ").append(detail);
            }
            for (var error : problem.path("errors")) {
                if (error.path("message").asString("").equals(detail)) {
                    continue; // one wrong field: the detail already is its message
                }
                text.append(System.lineSeparator()).append("  ").append(error.path("field").asString("?")).append(": ")
                        .append(error.path("message").asString(""));
            }
        } else {
            text.append("HTTP ").append(status).append(" from ").append(what);
        }
        var hint = switch (status) {
            case 401 -> "Sign in with ./desayre login (or set DESAYRE_TOKEN or DESAYRE_API_KEY).";
            case 403 -> "This needs an account allowed to do it (admin commands need an admin).";
            case 429, 503 -> "Try again later" + (problem != null && problem.has("retryAfter")
                    ? " (in " + problem.get("retryAfter").asString() + " s)." : ".");
            default -> null;
        };
        if (hint != null && status / 100 == 4 || status == 503) {
            text.append(System.lineSeparator()).append(hint);
        } else if (status / 100 == 5) {
            text.append(System.lineSeparator()).append("The server failed; try again, and report it with the request id above if it goes on.");
        }
        var code = status / 100 == 4 ? Exit.REFUSED : Exit.UNREACHABLE;
        return new CliException(code, text.toString(), problemLike ? problem : null, null);
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(Exit.UNREACHABLE, "Interrupted.");
        }
    }
}
