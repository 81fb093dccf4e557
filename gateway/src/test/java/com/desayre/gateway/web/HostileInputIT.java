package com.desayre.gateway.web;

import static com.desayre.gateway.AuthTestGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.desayre.gateway.AuthTestGateway;
import com.desayre.gateway.generation.Uploads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What an attacker sends a gateway at the door: multipart bombs (too many parts, a field or a
 * part too large), refused paths, odd methods and types. Every answer is a client error in
 * problem+json with a stable type and a sentence naming the limit; nothing is a 5xx, and nothing
 * logs a stack trace.
 */
class HostileInputIT {
    private static final String ADMIN_PASSWORD = "the hostile input admin's passphrase";
    private static final String PASSWORD = "a perfectly good passphrase";
    private static AuthTestGateway gateway;
    private static String admin;
    private ListAppender<ILoggingEvent> logs;

    @BeforeAll
    static void start() {
        AuthTestGateway.withJobTables();
        gateway = new AuthTestGateway(Map.of("desayre.auth.admin-password", ADMIN_PASSWORD,
                "desayre.auth.login.per-ip", "100000", "desayre.auth.login.per-account", "100000"));
        admin = gateway.token("admin", ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @BeforeEach
    void captureLogs() {
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void noStackTraces() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        assertThat(logs.list).as("nothing logged with a stack trace, nothing at ERROR")
                .noneMatch(event -> event.getThrowableProxy() != null)
                .noneMatch(event -> event.getLevel() == ch.qos.logback.classic.Level.ERROR)
                .noneMatch(event -> event.getFormattedMessage().contains("released"));
    }

    @Test
    void tooManyPartsIsA400NamingTheLimit() {
        var parts = new StringBuilder();
        var boundary = "b-" + UUID.randomUUID();
        for (int i = 0; i < 41; i++) {
            parts.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"f").append(i)
                    .append("\"\r\n\r\nx\r\n");
        }
        parts.append("--").append(boundary).append("--\r\n");
        var response = multipart(boundary, parts.toString().getBytes(StandardCharsets.UTF_8));
        assertProblem(response, 400, "/problems/too-many-parts");
        assertThat(json(response).get("detail").asString()).contains("32");
    }

    @Test
    void tooManyLargePartsAcrossManyBuffersIsA400() {
        var parts = new StringBuilder();
        var boundary = "b-" + UUID.randomUUID();
        for (int i = 0; i < 60; i++) {
            parts.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"f").append(i)
                    .append("\"\r\n\r\n").append("z".repeat(9_000)).append("\r\n");
        }
        parts.append("--").append(boundary).append("--\r\n");
        assertProblem(multipart(boundary, parts.toString().getBytes(StandardCharsets.UTF_8)), 400, "/problems/too-many-parts");
    }

    @Test
    void aFilePastTheUploadLimitOrARequestPastTheWholeLimitIsA413() {
        var one = fileParts(1, 22 * 1024 * 1024);
        var tooLarge = multipart(one.getKey(), one.getValue());
        assertProblem(tooLarge, 413, "/problems/upload-too-large");
        assertThat(json(tooLarge).get("detail").asString()).contains("20 MB");
        // two files, each within the upload limit, together past the request's
        var two = fileParts(2, 11 * 1024 * 1024);
        var wholeTooLarge = multipart(two.getKey(), two.getValue());
        assertProblem(wholeTooLarge, 413, "/problems/upload-too-large");
        assertThat(json(wholeTooLarge).get("detail").asString()).contains("21 MB");
    }

    /** A multipart body of {@code count} file parts of {@code size} bytes each, with its boundary. */
    private static Map.Entry<String, byte[]> fileParts(int count, int size) {
        var boundary = "b-" + UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image" + i + "\"; filename=\"a.png\"\r\n"
                    + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(new byte[size]);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return Map.entry(boundary, body.toByteArray());
    }

    @Test
    void aFormFieldPastTheInMemoryLimitIsA413() {
        var boundary = "b-" + UUID.randomUUID();
        var body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\n" + "x".repeat(300_000)
                + "\r\n--" + boundary + "--\r\n";
        var response = multipart(boundary, body.getBytes(StandardCharsets.UTF_8));
        assertProblem(response, 413, "/problems/multipart-field-too-large");
        assertThat(json(response).get("detail").asString()).contains("64 KB");
    }

    @Test
    void partHeadersPastTheLimitAreA400() {
        var boundary = "b-" + UUID.randomUUID();
        var body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"prompt\"\r\nX-Filler: " + "y".repeat(20_000)
                + "\r\n\r\nhello\r\n--" + boundary + "--\r\n";
        var response = multipart(boundary, body.getBytes(StandardCharsets.UTF_8));
        assertProblem(response, 400, "/problems/malformed-multipart");
        assertThat(json(response).get("detail").asString()).contains("10 KB");
    }

    @Test
    void anUnfinishedOrBoundlessMultipartBodyIsA400() {
        var boundary = "b-" + UUID.randomUUID();
        var unfinished = multipart(boundary, ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nhi")
                .getBytes(StandardCharsets.UTF_8));
        assertProblem(unfinished, 400, "/problems/malformed-multipart");
        var boundless = send(HttpRequest.newBuilder(URI.create(gateway.base + "/api/generate/edit"))
                .header("Content-Type", "multipart/form-data").header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.ofString("--x\r\n\r\n--x--")));
        assertProblem(boundless, 400, "/problems/malformed-multipart");
    }

    @Test
    void aUserTheLimitsRefuseIsRefusedBeforeTheUploadIsDecoded() throws Exception {
        var user = AuthTestGateway.unique("quota0");
        gateway.createUser(admin, user, PASSWORD, "member");
        var quota = gateway.call("PUT", "/api/admin/users/" + user + "/quota", "{\"dailyQuota\":0}", "Authorization", "Bearer " + admin);
        assertThat(quota.statusCode()).as(quota.body()).isEqualTo(200);
        var token = gateway.token(user, PASSWORD);
        var image = png(2048, 2048);
        var decodes = gateway.bean(io.micrometer.core.instrument.MeterRegistry.class).counter(Uploads.DECODES);
        var before = decodes.count();

        for (var kind : List.of("edit", "video")) {
            var refused = gateway.postMultipart("/api/generate/" + kind, Map.of("prompt", "make it dusk"), image,
                    "Authorization", "Bearer " + token);
            assertProblem(refused, 429, "/problems/daily-quota-exceeded");
        }
        assertThat(decodes.count()).as("no upload decoded for refused requests").isEqualTo(before);

        var admitted = gateway.postMultipart("/api/generate/edit", Map.of("prompt", "make it dusk"), image,
                "Authorization", "Bearer " + admin);
        assertThat(admitted.statusCode()).as(admitted.body()).isEqualTo(202);
        assertThat(decodes.count()).as("an admitted upload is decoded").isEqualTo(before + 1);
    }

    @Test
    void uploadsPastTheDecodesAtOnceAreA503WithRetryAfter() throws Exception {
        var slots = gateway.bean(Uploads.class).decodeSlots();
        var held = slots.drainPermits();
        try {
            var busy = gateway.postMultipart("/api/generate/edit", Map.of("prompt", "make it dusk"), png(64, 64),
                    "Authorization", "Bearer " + admin);
            assertProblem(busy, 503, "/problems/uploads-busy");
            assertThat(busy.headers().firstValue("Retry-After")).isPresent();
        } finally {
            slots.release(held);
        }
    }

    private static byte[] png(int width, int height) throws Exception {
        var image = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(java.awt.Color.ORANGE);
        g.fillRect(0, 0, width / 2, height);
        g.dispose();
        var out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    @Test
    void pathsTheFirewallRefusesAreA400Problem() {
        for (var path : List.of("/api/jobs/..", "/api/jobs/a%2Fb", "/api/jobs/a;x", "/api/jobs/a%00", "/api/jobs/a%5Cb",
                "/api/jobs/%2e%2e/keys", "/api/jobs/a%0Ab")) {
            var response = gateway.call("GET", path, null, "Authorization", "Bearer " + admin);
            assertThat(response.statusCode()).as(path).isEqualTo(400);
            assertProblem(response, 400, "/problems/rejected-request");
        }
    }

    @Test
    void oddMethodsTypesAndBodiesAreProblemsWithoutAStackTrace() {
        var bearer = "Bearer " + admin;
        assertProblem(gateway.callWithBody("POST", "/api/generate/image", "text/plain", "a lighthouse", "Authorization", bearer),
                415, "/problems/unsupported-media-type");
        assertProblem(gateway.call("DELETE", "/api/generate/image", null, "Authorization", bearer), 405, "/problems/method-not-allowed");
        var notAcceptable = gateway.call("GET", "/api/limits", null, "Authorization", bearer, "Accept", "image/png");
        assertThat(notAcceptable.statusCode()).isEqualTo(406);
        assertProblem(gateway.callWithBody("POST", "/api/generate/image", "application/json", "{\"prompt\":", "Authorization", bearer),
                400, "/problems/malformed-json");
        assertProblem(gateway.callWithBody("POST", "/api/generate/image", "application/json", "[1,2]", "Authorization", bearer),
                400, "/problems/invalid-request");
        assertProblem(gateway.call("POST", "/api/generate/image", "{\"prompt\":5,\"n\":\"two\",\"seed\":1e400}",
                "Authorization", bearer), 400, "/problems/invalid-request");
        assertProblem(gateway.call("POST", "/api/generate/image", "{\"prompt\":\"a\",\"seed\":123456789012345678901234567890}",
                "Authorization", bearer), 400, "/problems/invalid-request");
        assertProblem(gateway.call("GET", "/favicon.ico", null), 404, "/problems/not-found");
        assertProblem(gateway.call("GET", "/api/history?limit=abc&from=yesterday", null, "Authorization", bearer), 400,
                "/problems/invalid-request");
        assertProblem(gateway.call("GET", "/api/jobs/" + "x".repeat(300), null, "Authorization", bearer), 404, "/problems/not-found");
    }

    @Test
    void controlCharactersInFieldsAreFieldErrors() {
        var bearer = "Bearer " + admin;
        for (var body : List.of("{\"prompt\":\"a\\u0000b\"}", "{\"prompt\":\"a\",\"aspectRatio\":\"1:1\\u0000\"}",
                "{\"prompt\":\"a\",\"styleProfile\":\"x\\u001b[31m\"}", "{\"prompt\":\"a\",\"priority\":\"batch\\u0007\"}")) {
            var response = gateway.call("POST", "/api/generate/image", body, "Authorization", bearer);
            assertProblem(response, 400, "/problems/invalid-request");
            assertThat(response.body()).as(body).contains("control character").doesNotContain("\\u0000", "\\u001b");
        }
        var name = gateway.call("POST", "/api/keys", "{\"name\":\"ci\\u0000key\"}", "Authorization", bearer);
        assertProblem(name, 400, "/problems/invalid-request");
        var user = gateway.call("POST", "/api/admin/users", "{\"username\":\"bob\\nadmin\",\"password\":\"" + PASSWORD
                + "\",\"role\":\"member\"}", "Authorization", bearer);
        assertProblem(user, 400, "/problems/invalid-request");
        var form = gateway.postMultipart("/api/generate/edit", Map.of("prompt", "make it \u0000dusk"), new byte[] {1},
                "Authorization", bearer);
        assertProblem(form, 400, "/problems/invalid-request");
    }

    @Test
    void headersAndUrlsPastNettysLimitsAreRefusedCleanly() {
        // Netty answers these itself, before Spring: the status, no body
        var longUrl = gateway.call("GET", "/api/jobs/" + "x".repeat(10_000), null, "Authorization", "Bearer " + admin);
        assertThat(longUrl.statusCode()).isEqualTo(414);
        var bigHeader = gateway.call("GET", "/api/auth/me", null, "Authorization", "Bearer " + admin, "X-Filler", "y".repeat(20_000));
        assertThat(bigHeader.statusCode()).isEqualTo(431);
        // and the server goes on answering
        assertThat(gateway.call("GET", "/api/auth/me", null, "Authorization", "Bearer " + admin).statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> multipart(String boundary, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(gateway.base + "/api/generate/edit"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertProblem(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).as(response.body())
                .startsWith("application/problem+json");
        var problem = json(response);
        assertThat(problem.get("type").asString()).isEqualTo(type);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(response.body()).doesNotContain("Exception", "\tat ");
    }
}
