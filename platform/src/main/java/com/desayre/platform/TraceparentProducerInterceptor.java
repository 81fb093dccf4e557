package com.desayre.platform;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Puts the sending thread's trace ({@link JobTrace}) on every record it sends as a {@code traceparent} header, unless
 * the record has one. A Kafka client interceptor ({@code interceptor.classes} in desayre-platform.yml and the gateway's
 * producer), so it holds for every way a service sends (StreamBridge, a KafkaTemplate, sync or async, a DLQ record):
 * {@code send} runs it on the caller's thread, where a consumer or a worker step made the job's trace current.
 */
public class TraceparentProducerInterceptor implements ProducerInterceptor<Object, Object> {

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        if (record.headers().lastHeader(JobTrace.HEADER) == null) {
            var traceparent = JobTrace.traceparent();
            if (traceparent != null) {
                record.headers().add(JobTrace.HEADER, traceparent.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    }

    @Override
    public void close() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
