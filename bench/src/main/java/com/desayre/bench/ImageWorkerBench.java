package com.desayre.bench;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Route;
import com.desayre.contracts.Topics;
import com.desayre.embedded.KafkaBroker;
import com.desayre.embedded.PostgresServer;
import com.desayre.embedded.SpringProperties;
import com.desayre.imageworker.ImageWorkerApplication;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.WebApplicationType;

/**
 * The image-worker at zero provider latency against a pass-through on the same broker in the same
 * run: the pass-through reads the same encoded jobs and makes the same two sends per job (a
 * status and generation.media.ready); the worker also writes each job to Postgres and calls the
 * simulator over HTTP (64x64 images, so rendering does not dominate). Rated by the
 * media.ready records' own timestamps. {@code ./desayre bench image-worker [--records=N]}
 */
final class ImageWorkerBench {
    private static final String PASS_IN = "bench.passthrough.image.requested";
    private static final String PASS_OUT = "bench.passthrough.media.ready";
    private static final String PASS_STATUS = "bench.passthrough.image.status";

    static void run(String[] args) throws Exception {
        var records = 2_000;
        for (var arg : args) {
            if (arg.startsWith("--records=")) {
                records = Integer.parseInt(arg.substring("--records=".length()));
            }
        }
        var data = Files.createTempDirectory("bench-image-worker");
        try (var kafka = KafkaBroker.start(0, data.resolve("kafka"));
             var postgres = PostgresServer.start(0, data.resolve("postgres"));
             var simulator = ProviderSimulator.start(SimulatorSettings.defaults())) {
            var topics = new ArrayList<>(Topics.all());
            topics.addAll(List.of(PASS_IN, PASS_OUT, PASS_STATUS));
            kafka.createTopics(topics, 3);
            double pass = 0;
            double worker = 0;
            for (int round = 1; round <= 2; round++) {
                // new jobs each round: the worker rightly ignores a job id it already has
                preload(kafka, records, round);
                var from = EncoderServiceBench.endOffsets(kafka, PASS_OUT);
                try (var ignored = EncoderServiceBench.passThrough(kafka, PASS_IN, "bench-image-pass-" + round, PASS_OUT, PASS_STATUS)) {
                    pass = Math.max(pass, EncoderServiceBench.recordsPerSecond(kafka, PASS_OUT, from, records));
                }
                var properties = new HashMap<String, String>(SpringProperties.kafka(kafka));
                properties.putAll(SpringProperties.postgres(postgres, PostgresServer.DEFAULT_DATABASE));
                properties.put("desayre.modelslabs.base-url", simulator.baseUrl());
                properties.put("desayre.modelslabs.api-key", "bench");
                properties.put("spring.cloud.stream.bindings.generateImage-in-0.group", "bench-image-worker-" + round);
                properties.put("spring.cloud.stream.bindings.controlImage-in-0.group", "bench-image-control-" + round);
                // the account queue would cap the worker, not its own cost: open it for this measurement
                properties.put("resilience4j.bulkhead.instances.modelslabs.max-concurrent-calls", "1000");
                from = EncoderServiceBench.endOffsets(kafka, Topics.MEDIA_READY);
                try (var ignored = ImageWorkerApplication.builder().web(WebApplicationType.NONE)
                        .run(SpringProperties.asArguments(properties))) {
                    worker = Math.max(worker, EncoderServiceBench.recordsPerSecond(kafka, Topics.MEDIA_READY, from, records));
                }
            }
            System.out.printf(Locale.ROOT, "%n%-40s %10s%n%-40s %10.0f%n%-40s %10.0f%n%nimage-worker / pass-through: %.2f%n",
                    "best of 2 rounds", "jobs/s", "pass-through (2 sync sends)", pass, "image-worker (simulator, 0 latency)",
                    worker, worker / pass);
        } finally {
            PipelineBench.deleteRecursively(data);
        }
    }

    private static void preload(KafkaBroker kafka, int records, int round) throws Exception {
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class, ProducerConfig.LINGER_MS_CONFIG, 5))) {
            for (int i = 0; i < records; i++) {
                var jobId = "bench-image-r" + round + "-" + i;
                var spec = new JobSpec("bench", JobKind.IMAGE, "a small test image #" + i, "1:1", 64, 64, (long) i, null, true,
                        Priority.INTERACTIVE, null);
                var job = EncodedJob.of(jobId, spec, new Route("modelslabs", "nano-banana-pro", Priority.INTERACTIVE),
                        spec.prompt(), null, "bench");
                var value = EventJson.write(job);
                var key = jobId.getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(Topics.IMAGE_REQUESTED, key, value));
                producer.send(new ProducerRecord<>(PASS_IN, key, value));
            }
            producer.flush();
        }
    }

    private ImageWorkerBench() {
    }
}
