package com.desayre.gateway;

import com.desayre.contracts.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes to Kafka and completes only when the broker acknowledged (acks=all, idempotent).
 * A send may block on metadata, so it never runs on an event-loop thread; a broker that does not
 * answer in time becomes a 503 with Retry-After, so a caller never believes a lost job was taken.
 */
@Component
class JobPublisher {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaTemplate<byte[], byte[]> kafka;

    JobPublisher(KafkaTemplate<byte[], byte[]> kafka) {
        this.kafka = kafka;
    }

    Mono<Void> publish(String topic, String jobId, Object event) {
        return Mono.fromFuture(() -> kafka.send(topic, jobId.getBytes(StandardCharsets.UTF_8), EventJson.write(event)))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(ACK_TIMEOUT)
                .onErrorMap(e -> new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, ApiProblem.KAFKA_UNAVAILABLE,
                        "Service unavailable", "DESAYRE cannot take new jobs right now because its message broker "
                        + "is not answering. Nothing was queued; try again in a few seconds.", Map.of()))
                .then();
    }
}
