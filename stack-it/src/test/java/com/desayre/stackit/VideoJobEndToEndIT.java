package com.desayre.stackit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A video through every service, as an integration would ask for one (the gateway's video endpoint
 * is its own issue): generation.requested → prompt-encoder → video-worker → xAI (the simulator) →
 * storage-sink, then the MP4 and its poster frame served by the gateway, and what it cost (the cost ledger:
 * video-worker → generation.ledger → storage-sink → GET /api/jobs/{id}).
 */
class VideoJobEndToEndIT {

    @Test
    void aVideoRequestEndsCompletedWithAStoredMp4AndAPoster() throws Exception {
        var studio = Studio.get();
        var jobId = UUID.randomUUID().toString();
        var spec = new JobSpec("admin", JobKind.VIDEO, "waves rolling onto a beach at dusk", "16:9", 854, 480, null, null, true,
                Priority.INTERACTIVE, null, 2, "480p");
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.STATUS);
             var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     TestServers.kafka().bootstrapServers(), ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(Topics.REQUESTED, jobId.getBytes(StandardCharsets.UTF_8),
                    EventJson.write(GenerationRequested.of(jobId, spec)))).get();

            var completed = await().atMost(Duration.ofSeconds(90)).until(() -> probe.records(Topics.STATUS, jobId).stream()
                    .map(r -> EventJson.read(r.value(), StatusChanged.class))
                    .filter(s -> s.status() == JobStatus.COMPLETED || s.status() == JobStatus.FAILED).findFirst().orElse(null),
                    s -> s != null);

            assertThat(completed.status()).as("%s", completed).isEqualTo(JobStatus.COMPLETED);
            var media = completed.media().get(0);
            assertThat(media.mimeType()).isEqualTo("video/mp4");
            // read from the simulator's MP4 (jcodec writes its index after the media)
            assertThat(media.width()).isEqualTo(640);
            assertThat(media.height()).isEqualTo(360);
            assertThat(media.durationMillis()).isEqualTo(2000L);
            var mp4 = studio.bytes("/api/media/" + media.key(), studio.token, Map.of()).body();
            assertThat(new String(mp4, 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
            assertThat(mp4.length).isEqualTo(media.bytes());
            var poster = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                    studio.bytes("/api/media/" + media.thumbnailKey(), studio.token, Map.of()).body()));
            assertThat(poster.getWidth()).isEqualTo(512); // 640x360, as a thumbnail
            var shown = tools.jackson.databind.json.JsonMapper.builder().build().readTree(
                    studio.get("/api/history/" + jobId, studio.token).body()).get("job").get("media").get(0);
            assertThat(shown.get("durationMs").asLong()).isEqualTo(2000);
            assertThat(shown.get("width").asInt()).isEqualTo(640);
            assertThat(shown.get("height").asInt()).isEqualTo(360);
            var stages = probe.records(Topics.STATUS, jobId).stream().map(r -> EventJson.read(r.value(), StatusChanged.class))
                    .map(s -> s.stage() + ":" + s.status()).toList();
            assertThat(stages).contains("prompt-encoder:ENCODED", "video-worker:SUBMITTED", "video-worker:PROCESSING",
                    "storage-sink:STORING", "storage-sink:COMPLETED");

            // the cost ledger, through every service: the video-worker charged xAI's submission once at the configured
            // 0.05 a second (2 s at 480p), added xAI's own figure when the video was done, storage-sink projected it
            var cost = await().atMost(Duration.ofSeconds(30)).until(() -> tools.jackson.databind.json.JsonMapper.builder().build()
                    .readTree(studio.get("/api/jobs/" + jobId, studio.token).body()).get("cost"),
                    c -> c != null && c.get("entries").size() == 1 && !c.get("entries").get(0).get("reported").isNull());
            assertThat(cost.get("amount").decimalValue()).isEqualByComparingTo("0.10");
            var charge = cost.get("entries").get(0);
            assertThat(charge.get("entry").asString()).isEqualTo("CHARGE");
            assertThat(charge.get("reported").decimalValue()).isEqualByComparingTo("0.10");
            assertThat(charge.get("differs").asBoolean()).isFalse();
        }
    }
}
