package com.desayre.stackit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.embedded.S3MockServer;
import com.desayre.platform.S3MediaStore;
import com.desayre.testsupport.TestServers;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * History, media and deletion through the running studio, as the studio's pages would use them.
 * The studio is shared with other test classes, so every prompt here carries a word of this run
 * ({@link #TAG}) and every search asks for it.
 */
class HistoryAndMediaIT {
    private static final String TAG = "hist" + Long.toString(System.nanoTime(), 36);
    private static Studio studio;
    private static String lighthouse;
    private static String harbour;
    private static String orchard;

    @BeforeAll
    static void threeFinishedJobs() throws Exception {
        studio = Studio.get();
        lighthouse = studio.submitImage("a lighthouse at dusk, history test " + TAG, "16:9");
        harbour = studio.submitImage("a quiet harbour at dawn, history test " + TAG, "1:1");
        orchard = studio.submitImage("an apple orchard in autumn, history test " + TAG, "4:3");
        for (var job : List.of(lighthouse, harbour, orchard)) {
            assertThat(studio.awaitTerminal(job).get("status").asString()).isEqualTo("COMPLETED");
        }
        // the projection of generation.requested may trail the COMPLETED status by a moment
        await().atMost(Duration.ofSeconds(30)).until(() -> page("/api/history?q=orchard+" + TAG).get("items").size() == 1);
    }

    private static JsonNode page(String path) throws Exception {
        var response = studio.get(path, studio.token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Studio.JSON.readTree(response.body());
    }

    private static List<String> ids(JsonNode page) {
        var ids = new ArrayList<String>();
        page.get("items").forEach(item -> ids.add(item.get("jobId").asString()));
        return ids;
    }

    @Test
    void keysetPagesStayCorrectWhileNewJobsArrive() throws Exception {
        var first = page("/api/history?q=history+test+" + TAG + "&limit=2");
        assertThat(ids(first)).containsExactly(orchard, harbour);
        var cursor = first.get("nextCursor").asString();

        var newcomer = studio.submitImage("a newcomer arrives mid-pagination, history test " + TAG, "1:1");
        studio.awaitTerminal(newcomer);

        var second = page("/api/history?q=history+test+" + TAG + "&limit=2&cursor=" + cursor);
        assertThat(ids(second)).containsExactly(lighthouse);
        assertThat(second.get("nextCursor").isNull()).isTrue();
        assertThat(page("/api/history?q=history+test+" + TAG + "&limit=10").get("items").size()).isEqualTo(4);
    }

    @Test
    void anItemTellsWhatWasAskedWhatWasSentAndHowLongItTook() throws Exception {
        var item = page("/api/history?q=lighthouse+" + TAG).get("items").get(0);
        assertThat(item.get("prompt").asString()).isEqualTo("a lighthouse at dusk, history test " + TAG);
        assertThat(item.get("encodedPrompt").asString()).startsWith("a lighthouse at dusk, history test " + TAG + ", ");
        assertThat(item.get("model").asString()).isEqualTo("nano-banana-pro");
        assertThat(item.get("encoderVersion").asString()).startsWith("enc1+");
        assertThat(item.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(item.get("durationMs").asLong()).isNotNegative();

        var thumbnail = studio.bytes(item.get("thumbnailUrl").asString(), studio.token, Map.of());
        assertThat(thumbnail.statusCode()).isEqualTo(200);
        assertThat(thumbnail.headers().firstValue("Content-Type")).contains("image/jpeg");
        var image = ImageIO.read(new ByteArrayInputStream(thumbnail.body()));
        assertThat(Math.max(image.getWidth(), image.getHeight())).isEqualTo(512);
        assertThat(image.getWidth()).isGreaterThan(image.getHeight()); // 16:9 stays landscape
    }

    @Test
    void filtersNarrowTheHistoryAndBadOnesSayWhy() throws Exception {
        assertThat(ids(page("/api/history?q=harbour+" + TAG))).containsExactly(harbour);
        assertThat(ids(page("/api/history?kind=video&q=" + TAG))).isEmpty();
        assertThat(ids(page("/api/history?status=completed&q=history+test+" + TAG))).contains(lighthouse, harbour, orchard);
        assertThat(ids(page("/api/history?from=2000-01-01&to=2000-12-31&q=" + TAG))).isEmpty();
        assertThat(ids(page("/api/history?from=" + Instant.now().minus(Duration.ofHours(1)) + "&q=orchard+" + TAG))).containsExactly(orchard);

        var bad = studio.get("/api/history?limit=500&kind=sculpture&cursor=nonsense", studio.token);
        assertThat(bad.statusCode()).isEqualTo(400);
        var fields = new HashSet<String>();
        Studio.JSON.readTree(bad.body()).get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).contains("limit", "kind", "cursor");
    }

    /**
     * A search reads the newest jobs in order and asks the GIN index only for older matches
     * (HistoryRepository.SEARCH): a term beyond that window is found, and paging through a term on
     * both sides of it lists every match once, in order.
     */
    @Test
    void aSearchFindsOldMatchesAndPagesAcrossTheNewestJobsWindow() throws Exception {
        var rare = "rare" + TAG;
        var split = "split" + TAG;
        try (var db = TestServers.postgres().dataSource("desayre").getConnection(); var statement = db.createStatement()) {
            // long before this run's jobs, so other tests' first pages never see them
            statement.execute("""
                    insert into jobs (job_id, owner_id, kind, status, created_at, updated_at, prompt)
                    select 'seed-%1$s-' || i, 'admin', 'IMAGE', 'COMPLETED', now() - interval '400 days' - i * interval '1 minute',
                           now(), 'seeded job ' || i || case when i %% 100 = 0 then ' %2$s' else '' end
                                  || case when i = 1400 then ' %3$s' else '' end
                    from generate_series(0, 1499) as i""".formatted(TAG, split, rare));
            try {
                assertThat(ids(page("/api/history?q=" + rare))).containsExactly("seed-" + TAG + "-1400");
                var expected = java.util.stream.IntStream.rangeClosed(0, 14).mapToObj(i -> "seed-" + TAG + "-" + i * 100).toList();
                var seen = new ArrayList<String>();
                String cursor = null;
                do {
                    var next = page("/api/history?limit=4&q=" + split + (cursor == null ? "" : "&cursor=" + cursor));
                    seen.addAll(ids(next));
                    cursor = next.get("nextCursor").isNull() ? null : next.get("nextCursor").asString();
                } while (cursor != null);
                assertThat(seen).containsExactlyElementsOf(expected);
            } finally {
                statement.execute("update jobs set deleted_at = now() where job_id like 'seed-" + TAG + "-%'");
            }
        }
    }

    @Test
    void oneJobShowsItsWholeTimeline() throws Exception {
        var details = page("/api/history/" + harbour);
        var statuses = new ArrayList<String>();
        details.get("timeline").forEach(step -> statuses.add(step.get("status").asString()));
        assertThat(statuses).startsWith("QUEUED").endsWith("COMPLETED").contains("ENCODED", "SUBMITTED", "STORING");
        assertThat(details.get("job").get("media").size()).isEqualTo(1);
    }

    @Test
    void mediaServesByteRangesAndRevalidates() throws Exception {
        var url = page("/api/history/" + lighthouse).get("job").get("media").get(0).get("url").asString();
        var whole = studio.bytes(url, studio.token, Map.of());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Accept-Ranges")).contains("bytes");
        var size = whole.body().length;

        var head = studio.bytes(url, studio.token, Map.of("Range", "bytes=0-99"));
        assertThat(head.statusCode()).isEqualTo(206);
        assertThat(head.headers().firstValue("Content-Range")).contains("bytes 0-99/" + size);
        assertThat(head.body()).isEqualTo(Arrays.copyOfRange(whole.body(), 0, 100));

        var tail = studio.bytes(url, studio.token, Map.of("Range", "bytes=-10"));
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(whole.body(), size - 10, size));

        var open = studio.bytes(url, studio.token, Map.of("Range", "bytes=" + (size - 5) + "-"));
        assertThat(open.body()).hasSize(5);

        var beyond = studio.bytes(url, studio.token, Map.of("Range", "bytes=" + size + "-"));
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).contains("bytes */" + size);

        var etag = whole.headers().firstValue("ETag").orElseThrow();
        assertThat(studio.bytes(url, studio.token, Map.of("If-None-Match", etag)).statusCode()).isEqualTo(304);

        // overlapping and touching ranges are answered as the one range they make up
        var merged = studio.bytes(url, studio.token, Map.of("Range", "bytes=10-19, 0-9, 15-29"));
        assertThat(merged.statusCode()).isEqualTo(206);
        assertThat(merged.headers().firstValue("Content-Range")).contains("bytes 0-29/" + size);
        assertThat(merged.body()).isEqualTo(Arrays.copyOfRange(whole.body(), 0, 30));
    }

    @Test
    void severalRangesComeAsMultipartByteranges() throws Exception {
        var url = page("/api/history/" + lighthouse).get("job").get("media").get(0).get("url").asString();
        var whole = studio.bytes(url, studio.token, Map.of()).body();
        var size = whole.length;
        var response = studio.bytes(url, studio.token, Map.of("Range", "bytes=0-9, 100-119, -5"));
        assertThat(response.statusCode()).isEqualTo(206);
        var type = response.headers().firstValue("Content-Type").orElseThrow();
        assertThat(type).startsWith("multipart/byteranges;").contains("boundary=");
        assertThat(response.headers().firstValue("Content-Length")).contains(Integer.toString(response.body().length));
        var boundary = type.substring(type.indexOf("boundary=") + "boundary=".length());

        // each part: --boundary, its headers, a blank line, its bytes; then --boundary--
        var body = response.body();
        var parts = new ArrayList<Map.Entry<String, byte[]>>();
        var delimiter = ("--" + boundary).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        var at = indexOf(body, delimiter, 0);
        while (at >= 0 && body[at + delimiter.length] != '-') {
            var headersEnd = indexOf(body, "\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), at);
            var headers = new String(body, at + delimiter.length, headersEnd - at - delimiter.length,
                    java.nio.charset.StandardCharsets.US_ASCII);
            var next = indexOf(body, ("\r\n--" + boundary).getBytes(java.nio.charset.StandardCharsets.US_ASCII), headersEnd);
            parts.add(Map.entry(headers, Arrays.copyOfRange(body, headersEnd + 4, next)));
            at = next + 2;
        }
        assertThat(new String(body, at, body.length - at, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("--" + boundary + "--\r\n");
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).getKey()).contains("Content-Type: image/png", "Content-Range: bytes 0-9/" + size);
        assertThat(parts.get(0).getValue()).isEqualTo(Arrays.copyOfRange(whole, 0, 10));
        assertThat(parts.get(1).getKey()).contains("Content-Range: bytes 100-119/" + size);
        assertThat(parts.get(1).getValue()).isEqualTo(Arrays.copyOfRange(whole, 100, 120));
        assertThat(parts.get(2).getKey()).contains("Content-Range: bytes " + (size - 5) + "-" + (size - 1) + "/" + size);
        assertThat(parts.get(2).getValue()).isEqualTo(Arrays.copyOfRange(whole, size - 5, size));

        // a malformed list is ignored as a whole: the client gets the object
        assertThat(studio.bytes(url, studio.token, Map.of("Range", "bytes=0-9, oops")).statusCode()).isEqualTo(200);
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void nobodyElseSeesAJobOrItsMediaByGuessingItsId() throws Exception {
        var mallory = token("mallory", "member");
        var url = page("/api/history/" + orchard).get("job").get("media").get(0).get("url").asString();
        assertThat(studio.get("/api/jobs/" + orchard, mallory).statusCode()).isEqualTo(404);
        assertThat(studio.get("/api/history/" + orchard, mallory).statusCode()).isEqualTo(404);
        assertThat(studio.bytes(url, mallory, Map.of()).statusCode()).isEqualTo(404);
        assertThat(studio.delete("/api/history/" + orchard, mallory).statusCode()).isEqualTo(404);
        assertThat(ids(Studio.JSON.readTree(studio.get("/api/history", mallory).body()))).doesNotContain(orchard);
        assertThat(studio.get("/api/history?scope=all", mallory).statusCode()).isEqualTo(400);
    }

    @Test
    void deletingRemovesTheJobAtOnceAndItsObjectsSoonAfter() throws Exception {
        var doomed = studio.submitImage("a sandcastle before the tide, delete test " + TAG, "1:1");
        studio.awaitTerminal(doomed);
        await().atMost(Duration.ofSeconds(30)).until(() -> page("/api/history?q=sandcastle+" + TAG).get("items").size() == 1);
        var media = page("/api/history/" + doomed).get("job").get("media").get(0);
        var key = media.get("url").asString().substring("/api/media/".length());

        assertThat(studio.delete("/api/history/" + doomed, studio.token).statusCode()).isEqualTo(204);

        assertThat(page("/api/history?q=sandcastle+" + TAG).get("items").size()).isZero();
        assertThat(studio.get("/api/history/" + doomed, studio.token).statusCode()).isEqualTo(404);
        assertThat(studio.bytes(media.get("url").asString(), studio.token, Map.of()).statusCode()).isEqualTo(404);
        assertThat(studio.delete("/api/history/" + doomed, studio.token).statusCode()).isEqualTo(404);
        var s3 = TestServers.s3();
        try (var store = new S3MediaStore(URI.create(s3.endpoint()), S3MockServer.REGION, S3MockServer.ACCESS_KEY_ID,
                S3MockServer.SECRET_ACCESS_KEY, TestServers.BUCKET)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> store.stat(key).isEmpty()
                    && store.stat(key.replace(".png", ".thumb.jpg")).isEmpty());
        }
    }

    /** Another real account, signed in: the gateway honours only tokens of existing, enabled users. */
    private static String token(String user, String role) throws Exception {
        var created = studio.post("/api/admin/users", studio.token,
                "{\"username\":\"" + user + "\",\"password\":\"" + Studio.PASSWORD + "\",\"role\":\"" + role + "\"}");
        assertThat(created.statusCode()).as(created.body()).isIn(201, 409);
        var login = studio.post("/api/auth/login", null, "{\"username\":\"" + user + "\",\"password\":\"" + Studio.PASSWORD + "\"}");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        return Studio.JSON.readTree(login.body()).get("token").asString();
    }
}
