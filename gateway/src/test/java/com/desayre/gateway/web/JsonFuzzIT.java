package com.desayre.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.gateway.AuthTestGateway;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Every JSON endpoint (and the history query), fed generated input by jqwik: objects built from
 * the fields the endpoint knows and from strangers, every JSON type in every place (huge and
 * negative numbers, floats, unicode, control characters, nesting, nulls), and bytes that are not
 * JSON at all. Whatever comes in, the answer is never a 5xx, never a stack trace, and every
 * refusal is problem+json.
 */
class JsonFuzzIT {
    private static final String ADMIN_PASSWORD = "the fuzz admin's passphrase";
    private static final List<String> FIELDS = List.of("prompt", "aspectRatio", "seed", "styleProfile", "enhance", "priority",
            "n", "sourceJobId", "durationSeconds", "resolution", "kind", "sourceImage", "username", "password", "role",
            "enabled", "name", "currentPassword", "newPassword", "action", "dlq", "all", "offsets", "jobIds", "lane", "worker",
            "reason");
    private static final List<String> POSTS = List.of("/api/generate/image", "/api/generate/edit", "/api/generate/video",
            "/api/prompts/preview", "/api/auth/login", "/api/auth/password", "/api/keys", "/api/admin/users",
            "/api/admin/users/fuzz-target/password", "/api/jobs/00000000-0000-0000-0000-000000000000/cancel", "/api/worker");
    private static AuthTestGateway gateway;
    private static String admin;

    @BeforeContainer
    static void start() {
        AuthTestGateway.withJobTables();
        gateway = new AuthTestGateway(Map.of("desayre.auth.admin-password", ADMIN_PASSWORD,
                // the fuzz signs in often and sends thousands of requests: limits would only answer 429
                "desayre.auth.login.per-ip", "100000", "desayre.auth.login.per-account-and-ip", "100000",
                "desayre.limits.enabled", "false"));
        admin = gateway.token("admin", ADMIN_PASSWORD);
        gateway.createUser(admin, "fuzz-target", "a perfectly good passphrase", "member");
    }

    @AfterContainer
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Property(tries = 400)
    void postsNeverFailWithA5xxOrAStackTrace(@ForAll("paths") String path, @ForAll("bodies") String body) {
        assertSane("POST " + path + " " + body, gateway.call("POST", path, body, "Authorization", "Bearer " + admin,
                "X-Forwarded-For", AuthTestGateway.newAddress()));
    }

    /** Found by the property above once: Jackson 3 throws on a number past Long.MAX_VALUE read as a long. */
    @net.jqwik.api.Example
    void numbersPastALongAreFieldErrors() {
        for (var field : List.of("seed", "n", "maxWaitSeconds")) {
            var response = gateway.call("POST", "/api/generate/image", "{\"prompt\":\"a lighthouse\",\"" + field
                    + "\":12200160415121876154}", "Authorization", "Bearer " + admin, "X-Forwarded-For", AuthTestGateway.newAddress());
            assertSane(field, response);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(response.body()).contains("\"" + field + "\"");
        }
    }

    @Property(tries = 150)
    void patchesNeverFailWithA5xxOrAStackTrace(@ForAll("bodies") String body) {
        assertSane("PATCH " + body, gateway.call("PATCH", "/api/admin/users/fuzz-target", body, "Authorization", "Bearer " + admin));
    }

    @Property(tries = 100)
    void quotaChangesNeverFailWithA5xxOrAStackTrace(@ForAll("bodies") String body) {
        assertSane("PUT quota " + body, gateway.call("PUT", "/api/admin/users/fuzz-target/quota", body, "Authorization",
                "Bearer " + admin));
    }

    @Property(tries = 200)
    void historyQueriesNeverFailWithA5xxOrAStackTrace(@ForAll("queryValues") String kind, @ForAll("queryValues") String limit,
                                                      @ForAll("queryValues") String cursor, @ForAll("queryValues") String from) {
        var query = "kind=" + encode(kind) + "&limit=" + encode(limit) + "&cursor=" + encode(cursor) + "&from=" + encode(from)
                + "&q=" + encode(cursor);
        assertSane("GET /api/history?" + query, gateway.call("GET", "/api/history?" + query, null, "Authorization", "Bearer " + admin));
    }

    private static void assertSane(String request, java.net.http.HttpResponse<String> response) {
        assertThat(response.statusCode()).as("%s → %s", request, response.body()).isLessThan(500);
        assertThat(response.body()).as(request).doesNotContain("Exception", "\tat ", "at com.desayre", "at org.springframework");
        if (response.statusCode() >= 400) {
            assertThat(response.headers().firstValue("Content-Type").orElse("")).as("%s → %s", request, response.body())
                    .startsWith("application/problem+json");
        }
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of(POSTS);
    }

    @Provide
    Arbitrary<String> bodies() {
        var notJson = Arbitraries.strings().ofMaxLength(200);
        var json = objects(2).map(JsonNode::toString);
        var scalars = values(0).map(JsonNode::toString);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, json), net.jqwik.api.Tuple.of(2, notJson),
                net.jqwik.api.Tuple.of(1, scalars));
    }

    @Provide
    Arbitrary<String> queryValues() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(60), Arbitraries.of("", "image", "EDIT", "-1", "0", "101",
                "99999999999999999999", "2026-13-45", "2026-11-25T00:00:00Z", "%00", "null"));
    }

    private static Arbitrary<JsonNode> objects(int depth) {
        var entry = net.jqwik.api.Combinators.combine(Arbitraries.oneOf(Arbitraries.of(FIELDS), Arbitraries.strings().ofMaxLength(12)),
                values(depth));
        return entry.as(Map::entry).list().ofMaxSize(8).map(entries -> {
            var object = JsonNodeFactory.instance.objectNode();
            entries.forEach(e -> object.set(e.getKey(), e.getValue()));
            return object;
        });
    }

    private static Arbitrary<JsonNode> values(int depth) {
        var f = JsonNodeFactory.instance;
        var scalars = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(f::stringNode),
                Arbitraries.strings().withCharRange('\u0000', '\uffff').ofMaxLength(20).map(f::stringNode),
                Arbitraries.strings().ofMinLength(4001).ofMaxLength(5000).map(f::stringNode),
                Arbitraries.of("1:1", "16:9", "batch", "interactive", "480p", "image", "edit", "video", "admin", "member", "")
                        .map(f::stringNode),
                Arbitraries.longs().map(f::numberNode),
                Arbitraries.bigIntegers().between(new java.math.BigInteger("-1" + "0".repeat(30)), new java.math.BigInteger("1" + "0".repeat(30)))
                        .map(f::numberNode),
                Arbitraries.doubles().map(f::numberNode),
                Arbitraries.of(true, false).map(f::booleanNode),
                Arbitraries.just(f.nullNode())).map(JsonNode.class::cast);
        if (depth <= 0) {
            return scalars;
        }
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, scalars),
                net.jqwik.api.Tuple.of(1, Arbitraries.lazy(() -> objects(depth - 1))),
                net.jqwik.api.Tuple.of(1, Arbitraries.lazy(() -> values(depth - 1)).list().ofMaxSize(4).map(list -> {
                    var array = f.arrayNode();
                    list.forEach(array::add);
                    return (JsonNode) array;
                })));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
