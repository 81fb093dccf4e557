package com.desayre.gateway.messaging;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import reactor.core.scheduler.Schedulers;

/**
 * A producer interceptor for tests ({@code spring.kafka.producer.properties.interceptor.classes}): Kafka calls
 * {@code onSend} on the thread that called {@code KafkaProducer.send}, which may block (metadata, a full buffer). It
 * remembers every such thread that is one where blocking is forbidden (Reactor Netty's event loops and Reactor's
 * parallel scheduler are {@link reactor.core.scheduler.NonBlocking}).
 */
public class SendThreads implements ProducerInterceptor<byte[], byte[]> {
    private static final List<String> SENDS = new CopyOnWriteArrayList<>();
    private static final List<String> NON_BLOCKING = new CopyOnWriteArrayList<>();

    /** Names of the threads that sent from a non-blocking thread so far (should be none). */
    public static List<String> onNonBlockingThreads() {
        return List.copyOf(NON_BLOCKING);
    }

    public static int sends() {
        return SENDS.size();
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        var thread = Thread.currentThread().getName();
        SENDS.add(thread);
        if (Schedulers.isInNonBlockingThread()) {
            NON_BLOCKING.add(thread + " (" + record.topic() + ")");
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
