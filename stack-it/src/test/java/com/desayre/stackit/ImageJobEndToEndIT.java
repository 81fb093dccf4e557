package com.desayre.stackit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Topics;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import com.desayre.testsupport.TestServers;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The walking skeleton: every service against the test kit's real Kafka, PostgreSQL, Redis and
 * S3 server and the provider simulator, driven over HTTP and SSE exactly as a client would.
 */
class ImageJobEndToEndIT {
    private static final JsonMapper JSON = Studio.JSON;
    private static final String PASSWORD = Studio.PASSWORD;

    private static Studio studio;
    private static String token;

    @BeforeAll
    static void startTheStudio() throws Exception {
        studio = Studio.get();
        token = studio.token;
    }

    @Test
    void anImageJobGoesFromPromptToAStoredPngWatchedLive() throws Exception {
        var accepted = post("/api/generate/image", token, "{\"prompt\":\"a lighthouse at dusk\",\"aspectRatio\":\"16:9\",\"seed\":7}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        var job = JSON.readTree(accepted.body());
        var jobId = job.get("jobId").asString();
        assertThat(job.get("status").asString()).isEqualTo("QUEUED");
        assertThat(job.get("statusUrl").asString()).isEqualTo("/api/jobs/" + jobId);
        assertThat(job.get("eventsUrl").asString()).isEqualTo("/api/jobs/" + jobId + "/events");
        assertThat(accepted.headers().firstValue("Location")).contains("/api/jobs/" + jobId);

        var events = sse("/api/jobs/" + jobId + "/events");
        var statuses = events.stream().map(e -> JobStatus.valueOf(e.get("status").asString())).toList();
        assertThat(statuses).last().isEqualTo(JobStatus.COMPLETED);
        for (int i = 1; i < statuses.size(); i++) {
            assertThat(statuses.get(i - 1).canMoveTo(statuses.get(i))).as("%s", statuses).isTrue();
        }

        var done = JSON.readTree(get("/api/jobs/" + jobId, token).body());
        assertThat(done.get("status").asString()).isEqualTo("COMPLETED");
        var media = done.get("media").get(0);
        assertThat(media.get("mimeType").asString()).isEqualTo("image/png");
        assertThat(media.get("width").asInt()).isEqualTo(1376);
        assertThat(media.get("height").asInt()).isEqualTo(768);

        var png = studio.bytes(media.get("url").asString(), token, Map.of());
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue("Content-Type")).contains("image/png");
        assertThat(png.body()).hasSize(media.get("bytes").asInt());
        var image = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertThat(image.getWidth()).isEqualTo(1376);
        assertThat(image.getHeight()).isEqualTo(768);
        assertThat(studio.simulator.submissions()).isPositive();

        // a subscriber who comes late still gets the final event, then the stream ends
        var late = sse("/api/jobs/" + jobId + "/events");
        assertThat(late).hasSize(1);
        assertThat(late.get(0).get("status").asString()).isEqualTo("COMPLETED");

        // and Postgres holds the job, its media and its timeline
        try (var db = TestServers.postgres().dataSource("desayre").getConnection()) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                try (var rs = db.createStatement().executeQuery(
                        "select status, encoded_prompt, encoder_version, (select count(*) from media m where m.job_id = j.job_id) as media, "
                                + "(select count(*) from job_status_events e where e.job_id = j.job_id) as steps "
                                + "from jobs j where job_id = '" + jobId + "'")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("status")).isEqualTo("COMPLETED");
                    assertThat(rs.getInt("media")).isEqualTo(1);
                    assertThat(rs.getInt("steps")).isGreaterThanOrEqualTo(5);
                    assertThat(rs.getString("encoded_prompt")).startsWith("a lighthouse at dusk, ");
                    assertThat(rs.getString("encoder_version")).startsWith("enc1+desayre-cinematic.");
                }
            });
        }
    }

    @Test
    void mediaAndJobsNeedASignedInUser() throws Exception {
        var response = get("/api/jobs/anything", null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).get("type").asString()).isEqualTo("/problems/unauthorized");
        assertThat(get("/api/jobs/no-such-job", token).statusCode()).isEqualTo(404);
    }

    @Test
    void theLoginCookieIsHttpOnlyAndSameSite() throws Exception {
        var login = post("/api/auth/login", null, "{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}");
        var cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("DESAYRE_SESSION=").contains("HttpOnly").contains("SameSite=Lax");
        var session = cookie.substring(0, cookie.indexOf(';'));
        var me = studio.bytes("/api/auth/me", null, Map.of("Cookie", session));
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(me.body()).get("username").asString()).isEqualTo("admin");

        var wrong = post("/api/auth/login", null, "{\"username\":\"admin\",\"password\":\"nope\"}");
        var unknown = post("/api/auth/login", null, "{\"username\":\"mallory\",\"password\":\"nope\"}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(unknown.body()).get("detail")).isEqualTo(JSON.readTree(wrong.body()).get("detail"));
    }

    @Test
    void badInputIsAProblemThatNamesTheFieldAndPublishesNothing() throws Exception {
        var before = requestedRecords();
        var longPrompt = "x".repeat(4001);
        var cases = Map.of(
                "{}", "prompt",
                "{\"prompt\":\"   \"}", "prompt",
                "{\"prompt\":\"" + longPrompt + "\"}", "prompt",
                "{\"prompt\":\"a cat\",\"aspectRatio\":\"7:3\"}", "aspectRatio",
                "{\"prompt\":\"a cat\",\"aspect_ratio\":\"16:9\"}", "aspect_ratio",
                "{\"prompt\":\"a cat\",\"seed\":\"seven\"}", "seed");
        for (var entry : cases.entrySet()) {
            var response = post("/api/generate/image", token, entry.getKey());
            assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            var problem = JSON.readTree(response.body());
            assertThat(problem.get("type").asString()).isEqualTo("/problems/invalid-request");
            assertThat(problem.get("detail").asString()).isNotBlank();
            var fields = new ArrayList<String>();
            problem.get("errors").forEach(error -> fields.add(error.get("field").asString()));
            assertThat(fields).as(entry.getKey()).contains(entry.getValue());
        }

        var malformed = post("/api/generate/image", token, "{\"prompt\": ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(malformed.body()).get("type").asString()).isEqualTo("/problems/malformed-json");
        assertThat(malformed.body()).doesNotContain("Exception").doesNotContain("at com.");

        var anonymous = post("/api/generate/image", null, "{\"prompt\":\"a cat\"}");
        assertThat(anonymous.statusCode()).isEqualTo(401);

        var unknownStyle = post("/api/generate/image", token, "{\"prompt\":\"a cat\",\"styleProfile\":\"noir\"}");
        assertThat(unknownStyle.statusCode()).isEqualTo(400);
        assertThat(unknownStyle.body()).contains("styleProfile").contains("desayre-cinematic");

        var blocked = post("/api/generate/image", token, "{\"prompt\":\"a CSAM poster\"}");
        assertThat(blocked.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(blocked.body()).get("type").asString()).isEqualTo("/problems/prompt-rejected");

        assertThat(requestedRecords()).isEqualTo(before);
    }

    @Test
    void aPersonCanSeeTheEncodingBeforeSpendingMoney() throws Exception {
        var preview = post("/api/prompts/preview", token, "{\"prompt\":\"woman reading in a cafe\",\"styleProfile\":\"editorial\"}");
        assertThat(preview.statusCode()).isEqualTo(200);
        var body = JSON.readTree(preview.body());
        assertThat(body.get("prompt").asString()).startsWith("woman reading in a cafe, ").contains("editorial photography");
        assertThat(body.get("encoderVersion").asString()).startsWith("enc1+editorial.");
        assertThat(body.get("model").asString()).isEqualTo("nano-banana-pro");
        assertThat(body.get("added").size()).isPositive();

        var raw = JSON.readTree(post("/api/prompts/preview", token, "{\"prompt\":\"  a   cat \",\"enhance\":false}").body());
        assertThat(raw.get("prompt").asString()).isEqualTo("a cat");

        var profiles = JSON.readTree(get("/api/prompts/profiles", token).body());
        var names = new ArrayList<String>();
        profiles.forEach(p -> names.add(p.get("name").asString() + (p.get("isDefault").asBoolean() ? "*" : "")));
        assertThat(names).contains("desayre-cinematic*", "editorial", "product", "documentary", "none");
    }

    /** How many records generation.requested holds: the end offsets of its partitions, added up. */
    private static long requestedRecords() throws Exception {
        var config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers());
        try (var admin = Admin.create(config)) {
            var partitions = admin.describeTopics(List.of(Topics.REQUESTED)).allTopicNames().get().get(Topics.REQUESTED).partitions();
            var specs = new HashMap<TopicPartition, OffsetSpec>();
            partitions.forEach(p -> specs.put(new TopicPartition(Topics.REQUESTED, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(specs).all().get().values().stream().mapToLong(info -> info.offset()).sum();
        }
    }

    private static List<JsonNode> sse(String path) throws Exception {
        return studio.sse(path);
    }

    private static HttpResponse<String> get(String path, String bearer) throws Exception {
        return studio.get(path, bearer);
    }

    private static HttpResponse<String> post(String path, String bearer, String json) throws Exception {
        return studio.post(path, bearer, json);
    }
}
