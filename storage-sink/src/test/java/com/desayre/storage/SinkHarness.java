package com.desayre.storage;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.MediaReady;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Route;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.embedded.KafkaBroker;
import com.desayre.embedded.SpringProperties;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts storage-sink against given servers and publishes what the workers would. */
final class SinkHarness implements AutoCloseable {
    final ConfigurableApplicationContext sink;
    private final KafkaBroker kafka;
    private final KafkaProducer<byte[], byte[]> producer;

    SinkHarness(KafkaBroker kafka, Map<String, String> properties) {
        this.kafka = kafka;
        sink = StorageSinkApplication.builder().web(WebApplicationType.NONE).run(SpringProperties.asArguments(properties));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    static JobSpec spec() {
        return new JobSpec("ada", JobKind.IMAGE, "a test image", "1:1", 64, 48, 7L, null, true, Priority.INTERACTIVE, null, null, null);
    }

    static String newJobId() {
        return "sink-" + UUID.randomUUID();
    }

    static MediaReady ready(String jobId, String... urls) {
        return MediaReady.of(jobId, spec(), new Route("modelslabs", "nano-banana-pro", Priority.INTERACTIVE), List.of(urls),
                "123", 7L, 10);
    }

    void publish(String topic, String jobId, Object event) throws Exception {
        producer.send(new ProducerRecord<>(topic, jobId.getBytes(StandardCharsets.UTF_8), EventJson.write(event))).get();
    }

    /** A record as bytes, e.g. one that is not JSON. */
    void publishRaw(String topic, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8))).get();
    }

    void mediaReady(MediaReady ready) throws Exception {
        publish(Topics.MEDIA_READY, ready.jobId(), ready);
    }

    /**
     * Results as one producer batch on one partition of generation.media.ready, each with its {@code traceparent}: the
     * broker appends a batch whole, so a consumer at the partition's end reads them in one poll (up to 4, the binding's
     * {@code max.poll.records}).
     */
    void mediaReadyInOnePoll(int partition, List<MediaReady> results, List<String> traceparents) throws Exception {
        try (var batching = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                // nothing leaves before flush(): the records go in one request, as one batch
                ProducerConfig.LINGER_MS_CONFIG, "60000"))) {
            var sent = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < results.size(); i++) {
                var record = new ProducerRecord<>(Topics.MEDIA_READY, partition, results.get(i).jobId().getBytes(StandardCharsets.UTF_8),
                        EventJson.write(results.get(i)));
                record.headers().add("traceparent", traceparents.get(i).getBytes(StandardCharsets.ISO_8859_1));
                sent.add(batching.send(record));
            }
            batching.flush();
            for (var one : sent) {
                one.get();
            }
        }
    }

    void status(StatusChanged status) throws Exception {
        publish(Topics.STATUS, status.jobId(), status);
    }

    static byte[] png(int width, int height) throws Exception {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(java.awt.Color.ORANGE);
        g.fillRect(0, 0, width, height / 2);
        g.dispose();
        var out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    @Override
    public void close() {
        producer.close();
        sink.close();
    }
}
