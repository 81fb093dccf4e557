package com.desayre.bench;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bad input for every operation of an {@link ApiSurface}, from a seeded {@link Random} so a run can be repeated:
 * one valid-looking request per operation with exactly one thing wrong with it (a field of the wrong type, out of
 * range, with control characters or megabytes of text, missing, unknown; a body that is not JSON, nested 10,000
 * deep, of the wrong content type; a path or query parameter that is a traversal, an encoded slash or NUL, too
 * long; a malformed multipart body, a decompression-bomb PNG, 60 parts), or a request the HTTP layer itself must
 * refuse (sent raw, see {@link RawHttp}). Every probe carries its {@code kind}, so a result table says which bad
 * input an answer came from.
 */
final class BadInputs {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String BOUNDARY = "fuzzboundary7MA4YWxkTrZu0gW";

    /** Who a probe is sent as. */
    enum Caller { MEMBER, ADMIN, API_KEY, NONE, GARBAGE_TOKEN, ALG_NONE_TOKEN }

    /**
     * One request to send. {@code target} is the path and query as sent (already percent-encoded where a URI needs
     * it); a {@code raw} probe is written byte for byte to a socket, request line and headers included.
     */
    record Probe(String kind, String operation, String method, String target, Map<String, String> headers, byte[] body,
                 Caller caller, boolean raw) {
    }

    private static final List<String> NASTY_STRINGS = List.of(
            "", " ", "\u0000", "a\u0000b", "line\u0007bell\u001b[31m", "\r\nX-Injected: 1", "\u202Egnp.exe", "\uD83D\uDE00".repeat(50),
            "../../../../etc/passwd", "..\\..\\windows\\win.ini", "<script>alert(1)</script>", "' or 1=1--", "\"; drop table x; --",
            "${jndi:ldap://127.0.0.1:1/a}", "%s%s%s%n", "[sim:fail=500] a lighthouse", "{{7*7}}", "http://169.254.169.254/latest",
            "file:///etc/passwd", "\uFEFFbom", "null", "true", "-1", "9".repeat(400), "\u0085\u2028\u2029", "a".repeat(70_000));
    private static final List<String> PATH_VALUES = List.of(
            "..", "%2e%2e", "%2F", "a%2Fb", "%00", "a%00b", "%5C", "..%2F..%2Fetc", "%252e%252e", "a;x", "%20", "%C0%AE",
            "%FF%FE", "' or 1=1--", "-1", "0", "99999999999999999999999", "x".repeat(3000), UUID.randomUUID().toString(),
            UUID.randomUUID().toString().toUpperCase(), "root", "%E2%80%AE", "%0D%0ASet-Cookie:%20a=b", "*", "~", "%");
    private static final List<String> RAW_PATHS = List.of(
            "/api/jobs/..", "/api/jobs/../admin/users", "/api/jobs/%2F", "/api/jobs/a;x", "/api/jobs/%00", "/api/%2e%2e/admin/users",
            "/api/jobs/%zz", "/api/jobs/a\\b", "//api//jobs", "/api/jobs/%C0%AE%C0%AE", "/api/media/..%2F..%2Fetc%2Fpasswd",
            "/studio/../../etc/passwd", "*", "http://169.254.169.254/latest/meta-data", "/api/jobs?%", "/api/history?limit=%ff");

    private final ApiSurface surface;
    private final Random random;

    BadInputs(ApiSurface surface, long seed) {
        this.surface = surface;
        this.random = new Random(seed);
    }

    Probe next() {
        if (random.nextInt(100) < 6) {
            return raw();
        }
        var operation = surface.operations().get(random.nextInt(surface.operations().size()));
        return probe(operation);
    }

    /** The next probe whose kind or operation contains {@code only} ({@code null}: any); gives up after a million tries. */
    Probe next(String only) {
        for (int tries = 0; tries < 1_000_000; tries++) {
            var probe = next();
            if (only == null || probe.kind().contains(only) || probe.operation().contains(only)) {
                return probe;
            }
        }
        throw new IllegalArgumentException("no probe matches --only=" + only);
    }

    private Probe probe(ApiSurface.Operation operation) {
        var caller = caller(operation);
        var headers = new LinkedHashMap<String, String>();
        var path = new StringBuilder();
        String kind = null;
        // path parameters: one of them bad now and then, a plausible value otherwise
        var template = operation.path();
        var badPath = random.nextInt(4) == 0;
        for (var part : template.split("/", -1)) {
            if (path.length() > 0 || !part.isEmpty()) {
                path.append('/');
            }
            if (part.startsWith("{") && part.endsWith("}")) {
                if (badPath) {
                    var value = pick(PATH_VALUES);
                    kind = "path:" + label(value);
                    path.append(value);
                    badPath = false;
                } else {
                    path.append(plausiblePathValue(part));
                }
            } else {
                path.append(part);
            }
        }
        var query = new StringBuilder();
        for (var parameter : operation.parameters()) {
            if (!"query".equals(parameter.in())) {
                continue;
            }
            String value;
            if (kind == null && random.nextInt(3) == 0) {
                var bad = badScalar(surface.resolve(parameter.schema()));
                value = bad.text();
                kind = "query:" + bad.label();
            } else if (parameter.required() || random.nextBoolean()) {
                value = scalarText(validValue(surface.resolve(parameter.schema()), parameter.name()));
            } else {
                continue;
            }
            query.append(query.isEmpty() ? '?' : '&').append(encode(parameter.name())).append('=').append(encode(value));
        }
        if (kind == null && random.nextInt(12) == 0) {
            query.append(query.isEmpty() ? '?' : '&').append("unknown=").append(encode(pick(NASTY_STRINGS)));
            kind = "query:unknown";
        }
        byte[] body = null;
        var method = operation.method();
        if (kind == null && random.nextInt(15) == 0) {
            method = pick(List.of("PUT", "PATCH", "DELETE", "TRACE", "PROPFIND", "OPTIONS"));
            kind = "method:" + method;
        }
        if (!operation.bodies().isEmpty()) {
            var contentTypes = new ArrayList<>(operation.bodies().keySet());
            var contentType = pick(contentTypes);
            var schema = surface.resolve(operation.bodies().get(contentType));
            if (contentType.startsWith("multipart/")) {
                var multipart = multipart(schema, kind == null);
                body = multipart.body();
                headers.put("Content-Type", multipart.contentType());
                kind = kind == null ? multipart.kind() : kind;
            } else {
                var json = jsonBody(schema, operation, kind == null);
                body = json.body();
                headers.put("Content-Type", json.contentType());
                kind = kind == null ? json.kind() : kind;
            }
        }
        if (kind == null) {
            kind = pick(List.of("accept:xml", "header:huge-cookie", "header:bad-range", "header:if-none-match", "plain"));
            switch (kind) {
                case "accept:xml" -> headers.put("Accept", "application/xml");
                case "header:huge-cookie" -> headers.put("Cookie", "DESAYRE_SESSION=" + "x".repeat(9000));
                case "header:bad-range" -> headers.put("Range", pick(List.of("bytes=9-1", "bytes=-0", "bytes=a-b", "bytes=0-1,".repeat(200))));
                case "header:if-none-match" -> headers.put("If-None-Match", "\"" + "W/".repeat(500) + "\"");
                default -> { }
            }
        }
        return new Probe(kind, operation.name(), method, path + query.toString(), headers, body, caller, false);
    }

    private Caller caller(ApiSurface.Operation operation) {
        var roll = random.nextInt(100);
        if (roll < 55) {
            return operation.path().startsWith("/api/admin") || operation.path().startsWith("/actuator") ? Caller.ADMIN : Caller.MEMBER;
        }
        if (roll < 70) {
            return Caller.ADMIN;
        }
        if (roll < 80) {
            return Caller.API_KEY;
        }
        if (roll < 88) {
            return Caller.NONE;
        }
        return roll < 94 ? Caller.GARBAGE_TOKEN : Caller.ALG_NONE_TOKEN;
    }

    /**
     * A path value that names nothing of the fuzzer's own: never the signed-in users (a valid password reset on them
     * would end the fuzzer's sessions and turn the rest of the run into 401s).
     */
    private String plausiblePathValue(String placeholder) {
        var name = placeholder.substring(1, placeholder.length() - 1).toLowerCase();
        if (name.contains("user")) {
            return "fuzz-nobody-" + random.nextInt(1000);
        }
        return UUID.randomUUID().toString();
    }

    private record Body(byte[] body, String contentType, String kind) {
    }

    private Body jsonBody(JsonNode schema, ApiSurface.Operation operation, boolean mutate) {
        var valid = validObject(schema, operation);
        if (!mutate) {
            return new Body(bytes(valid.toString()), "application/json", null);
        }
        var roll = random.nextInt(100);
        if (roll < 50 && valid.size() > 0) {
            var names = new ArrayList<String>();
            valid.propertyNames().forEach(names::add);
            var field = pick(names);
            var property = surface.resolve(schema.path("properties").path(field));
            var bad = badScalar(property);
            valid.set(field, bad.node());
            return new Body(bytes(valid.toString()), "application/json", "field:" + bad.label());
        }
        if (roll < 58 && valid.size() > 0) {
            var names = new ArrayList<String>();
            valid.propertyNames().forEach(names::add);
            valid.remove(pick(names));
            return new Body(bytes(valid.toString()), "application/json", "field:missing");
        }
        if (roll < 64) {
            valid.put(pick(List.of("imageUrl", "callbackUrl", "owner", "ownerId", "role", "__proto__", "constructor")),
                    pick(List.of("http://169.254.169.254/latest/meta-data", "admin", "file:///etc/passwd")));
            return new Body(bytes(valid.toString()), "application/json", "field:unknown");
        }
        return switch (random.nextInt(14)) {
            case 0 -> new Body(bytes("{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)), "application/json", "json:deep-object");
            case 1 -> new Body(bytes("[".repeat(20_000) + "]".repeat(20_000)), "application/json", "json:deep-array");
            case 2 -> new Body(truncate(bytes(valid.toString())), "application/json", "json:truncated");
            case 3 -> new Body(new byte[0], "application/json", "json:empty");
            case 4 -> new Body(bytes(pick(List.of("[]", "\"text\"", "42", "null", "true", "[{}]"))), "application/json", "json:not-an-object");
            case 5 -> new Body(new byte[] {'{', '"', 'p', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'},
                    "application/json", "json:invalid-utf8");
            case 6 -> new Body(bytes("{\"prompt\":\"a\",\"prompt\":\"b\",\"n\":1,\"n\":2}"), "application/json", "json:duplicate-keys");
            case 7 -> new Body(bytes(manyKeys()), "application/json", "json:10k-keys");
            case 8 -> new Body(bytes("/* c */ " + valid), "application/json", "json:comment");
            case 9 -> new Body(bytes(valid.toString()), pick(List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
                    "multipart/form-data", "application/json; charset=utf-16", "image/png", "*/*", "application/json; boundary=\"")),
                    "content-type:wrong");
            case 10 -> new Body(bytes("{\"prompt\":\"" + "\\ud800".repeat(20) + "\"}"), "application/json", "json:lone-surrogates");
            case 11 -> new Body(bytes("{\"prompt\":" + "1".repeat(100_000) + "}"), "application/json", "json:huge-number");
            case 12 -> new Body(bytes(" ".repeat(200_000) + valid), "application/json", "json:leading-whitespace");
            default -> new Body(randomBytes(random.nextInt(4096)), "application/json", "json:random-bytes");
        };
    }

    private ObjectNode validObject(JsonNode schema, ApiSurface.Operation operation) {
        var object = NODES.objectNode();
        for (var property : schema.path("properties").properties()) {
            var field = property.getKey();
            var required = false;
            for (var name : schema.path("required")) {
                required |= name.asString().equals(field);
            }
            if (required || random.nextInt(3) == 0) {
                object.set(field, validValue(surface.resolve(property.getValue()), field));
            }
        }
        if (operation.path().equals("/api/auth/password") || operation.path().equals("/api/auth/login")) {
            // never the fuzzer's own password: a valid change would end the sessions it runs on
            object.put(operation.path().endsWith("login") ? "password" : "currentPassword", "not the password " + random.nextInt());
        }
        return object;
    }

    private JsonNode validValue(JsonNode schema, String field) {
        var values = schema.path("enum");
        if (values.isArray() && !values.isEmpty()) {
            return values.get(random.nextInt(values.size()));
        }
        return switch (schema.path("type").asString("string")) {
            case "integer" -> NODES.numberNode(schema.path("minimum").asLong(1));
            case "number" -> NODES.numberNode(1.5);
            case "boolean" -> NODES.booleanNode(random.nextBoolean());
            case "array" -> NODES.arrayNode();
            case "object" -> NODES.objectNode();
            default -> NODES.stringNode(field.toLowerCase().contains("prompt") ? "a lighthouse at dusk, fuzz " + random.nextInt()
                    : field.toLowerCase().contains("job") ? UUID.randomUUID().toString() : "fuzz-" + random.nextInt(1000));
        };
    }

    private record Bad(JsonNode node, String text, String label) {
    }

    /** A value the schema does not allow, or a string no field should take. */
    private Bad badScalar(JsonNode schema) {
        var type = schema.path("type").asString("string");
        return switch (random.nextInt(7)) {
            case 0 -> {
                var s = pick(NASTY_STRINGS);
                yield new Bad(NODES.stringNode(s), s, "string:" + label(s));
            }
            case 1 -> new Bad(NODES.numberNode(new java.math.BigInteger("9".repeat(30))), "9".repeat(30), "number:huge");
            case 2 -> new Bad(NODES.numberNode(-1), "-1", "number:negative");
            case 3 -> new Bad(NODES.numberNode(1.5e308), "1.5e308", "number:double");
            case 4 -> new Bad(type.equals("string") ? NODES.numberNode(7) : NODES.stringNode("seven"), type.equals("string") ? "7" : "seven",
                    "type:wrong");
            case 5 -> new Bad(NODES.nullNode(), "", "null");
            default -> new Bad(random.nextBoolean() ? NODES.arrayNode().add(1) : NODES.objectNode().put("a", 1), "[1]", "type:container");
        };
    }

    private Body multipart(JsonNode schema, boolean mutate) {
        var fields = new LinkedHashMap<String, byte[]>();
        String fileField = null;
        for (var property : schema.path("properties").properties()) {
            var node = surface.resolve(property.getValue());
            if ("binary".equals(node.path("format").asString(""))) {
                fileField = property.getKey();
            } else {
                fields.put(property.getKey(), bytes(scalarText(validValue(node, property.getKey()))));
            }
        }
        var file = fileField == null ? "image" : fileField;
        var kind = mutate ? pick(List.of("multipart:no-boundary", "multipart:wrong-boundary", "multipart:60-parts", "multipart:huge-part-header",
                "multipart:png-bomb", "multipart:truncated-png", "multipart:not-an-image", "multipart:svg", "multipart:no-file",
                "multipart:traversal-filename", "multipart:nul-field", "multipart:unterminated", "multipart:huge-field")) : null;
        var out = new ByteArrayOutputStream();
        var image = tinyPng(8, 8);
        var contentType = "multipart/form-data; boundary=" + BOUNDARY;
        if (kind != null) {
            switch (kind) {
                case "multipart:no-boundary" -> contentType = "multipart/form-data";
                case "multipart:wrong-boundary" -> contentType = "multipart/form-data; boundary=not-the-one";
                case "multipart:60-parts" -> {
                    for (int i = 0; i < 60; i++) {
                        fields.put("extra" + i, bytes("x"));
                    }
                }
                case "multipart:png-bomb" -> image = bombPng();
                case "multipart:truncated-png" -> image = java.util.Arrays.copyOf(image, image.length / 2);
                case "multipart:not-an-image" -> image = randomBytes(2048);
                case "multipart:svg" -> image = bytes("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>");
                case "multipart:no-file" -> image = null;
                case "multipart:nul-field" -> fields.put("prompt", bytes("a\u0000b"));
                case "multipart:huge-field" -> fields.put("prompt", bytes("a".repeat(2_000_000)));
                default -> { }
            }
        }
        for (var field : fields.entrySet()) {
            write(out, "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field.getKey() + "\"\r\n");
            if ("multipart:huge-part-header".equals(kind)) {
                write(out, "X-Filler: " + "h".repeat(20_000) + "\r\n");
            }
            write(out, "\r\n");
            out.writeBytes(field.getValue());
            write(out, "\r\n");
        }
        if (image != null) {
            var filename = "multipart:traversal-filename".equals(kind) ? "../../../etc/passwd.png" : "photo.png";
            write(out, "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + file + "\"; filename=\"" + filename
                    + "\"\r\nContent-Type: " + ("multipart:svg".equals(kind) ? "image/svg+xml" : "image/png") + "\r\n\r\n");
            out.writeBytes(image);
            write(out, "\r\n");
        }
        if (!"multipart:unterminated".equals(kind)) {
            write(out, "--" + BOUNDARY + "--\r\n");
        }
        return new Body(out.toByteArray(), contentType, kind);
    }

    private Probe raw() {
        var kind = pick(List.of("raw:path", "raw:path", "raw:huge-header", "raw:huge-line", "raw:bad-header", "raw:bad-version",
                "raw:bad-method", "raw:chunked-garbage", "raw:content-length-lie"));
        var path = pick(RAW_PATHS);
        var headers = new LinkedHashMap<String, String>();
        byte[] body = null;
        var method = "GET";
        switch (kind) {
            case "raw:huge-header" -> headers.put("X-Big", "b".repeat(70_000));
            case "raw:huge-line" -> path = "/api/jobs?q=" + "l".repeat(70_000);
            case "raw:bad-header" -> headers.put("X Bad\u0001Name", "v\u0000");
            case "raw:bad-method" -> method = "G\u0001T";
            case "raw:chunked-garbage" -> {
                method = "POST";
                path = "/api/generate/image";
                headers.put("Content-Type", "application/json");
                headers.put("Transfer-Encoding", "chunked");
                body = bytes("zz\r\nnot a chunk\r\n0\r\n\r\n");
            }
            case "raw:content-length-lie" -> {
                method = "POST";
                path = "/api/generate/image";
                headers.put("Content-Type", "application/json");
                headers.put("Content-Length", "10");
                body = bytes("{\"prompt\":\"a lighthouse\"}");
            }
            default -> { }
        }
        if ("raw:bad-version".equals(kind)) {
            headers.put("X-Version", "HTTP/9.9");
        }
        return new Probe(kind + (kind.equals("raw:path") ? ":" + label(path) : ""), "(raw)", method, path, headers, body,
                random.nextBoolean() ? Caller.MEMBER : Caller.NONE, true);
    }

    private String manyKeys() {
        var builder = new StringBuilder("{");
        for (int i = 0; i < 10_000; i++) {
            builder.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        return builder.append('}').toString();
    }

    /** A valid 8-bit grey PNG of this size. */
    static byte[] tinyPng(int width, int height) {
        var raw = new byte[(width + 1) * height];
        return png(width, height, raw);
    }

    /** A small file whose header claims 60,000 × 60,000 pixels (a decoder that trusts it allocates gigabytes). */
    private static byte[] bombPng() {
        return png(60_000, 60_000, new byte[256 * 1024]);
    }

    private static byte[] png(int width, int height, byte[] rawRows) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        var header = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0)
                .put((byte) 0).array();
        chunk(out, "IHDR", header);
        var deflater = new Deflater();
        deflater.setInput(rawRows);
        deflater.finish();
        var compressed = new ByteArrayOutputStream();
        var buffer = new byte[8192];
        while (!deflater.finished()) {
            compressed.write(buffer, 0, deflater.deflate(buffer));
        }
        chunk(out, "IDAT", compressed.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        var typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        var crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private byte[] truncate(byte[] bytes) {
        return java.util.Arrays.copyOf(bytes, Math.max(1, bytes.length - 1 - random.nextInt(Math.max(1, bytes.length / 2))));
    }

    private byte[] randomBytes(int length) {
        var bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String scalarText(JsonNode node) {
        return node.isString() ? node.asString() : node.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(bytes(text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A short printable name for a bad value, for the result table. */
    static String label(String value) {
        var printable = value.codePoints().limit(24)
                .mapToObj(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ? String.format("\\x%02x", c) : Character.toString(c))
                .reduce("", String::concat);
        return value.length() > 24 ? printable + "…(" + value.length() + ")" : printable;
    }
}
