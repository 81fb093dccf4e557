package com.desayre.gateway.messaging;

import com.desayre.contracts.EventJson;
import com.desayre.gateway.web.ApiProblem;
import com.desayre.platform.JobTrace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes to Kafka and completes only when the broker acknowledged (acks=all, idempotent). Concurrent
 * requests share acknowledgements: the producer sends what arrived within its {@code linger.ms} in one
 * produce request (gateway.yml). A send may block on metadata, so it never runs on an event-loop thread; a broker that does not
 * answer in time becomes a 503 with Retry-After, so a caller never believes a lost job was taken.
 */
@Component
public class JobPublisher {
    private static final Logger log = LoggerFactory.getLogger(JobPublisher.class);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaTemplate<byte[], byte[]> kafka;

    JobPublisher(KafkaTemplate<byte[], byte[]> kafka) {
        this.kafka = kafka;
    }

    /** Publishes a job's record; a broker that does not take it is a 503 the caller can show as it is. */
    public Mono<Void> publish(String topic, String jobId, Object event) {
        return send(topic, jobId, event)
                .onErrorMap(e -> new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, ApiProblem.KAFKA_UNAVAILABLE,
                        "Service unavailable", "DESAYRE cannot take new jobs right now because its message broker "
                        + "is not answering. Nothing was queued; try again in a few seconds.", Map.of()))
                .then();
    }

    /**
     * Publishes any record keyed by {@code key}, with the request's trace ({@link RequestTraces}); completes once the
     * broker acknowledged it, fails as the send failed.
     */
    public Mono<Void> send(String topic, String key, Object event) {
        return send(topic, key, event, false);
    }

    /**
     * A job's QUEUED status that the request has already put into the shared status cache ({@value #ALREADY_CACHED}
     * header): the gateways' status projection need not write it again. Completes once the broker acknowledged it.
     */
    public Mono<Void> sendCachedStatus(String key, Object status) {
        return send(com.desayre.contracts.Topics.STATUS, key, status, true);
    }

    /** Marks a status record the status cache already holds (see {@link #sendCachedStatus}). */
    public static final String ALREADY_CACHED = "desayre-already-cached";
    private static final byte[] YES = {'1'};

    private Mono<Void> send(String topic, String key, Object event, boolean alreadyCached) {
        return Mono.deferContextual(context -> {
                    var record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), EventJson.write(event));
                    if (alreadyCached) {
                        record.headers().add(ALREADY_CACHED, YES);
                    }
                    var traceparent = RequestTraces.traceparent(context);
                    if (traceparent != null) {
                        record.headers().add(JobTrace.HEADER, traceparent.getBytes(StandardCharsets.ISO_8859_1));
                    }
                    if (log.isDebugEnabled()) {
                        // the gateway's own line in the job's trace (the status consumers read whole polls, outside it)
                        JobTrace.within(traceparent, "gateway", () -> {
                            log.debug("Publishing to {} keyed {}", topic, key);
                            return null;
                        });
                    }
                    return Mono.fromFuture(() -> kafka.send(record));
                })
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(ACK_TIMEOUT)
                // the acknowledgement arrives on the producer's one network thread: what the caller does next (the
                // answer's JSON, the next call) runs elsewhere, so the producer keeps sending the other requests' records
                .publishOn(Schedulers.parallel())
                .then();
    }
}
