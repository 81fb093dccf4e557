package com.desayre.platform;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.binder.ConsumerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;

/**
 * Dead letters of the batch stages, written as the Kafka binder writes its own (the record's key, value and headers
 * plus {@code x-original-*} in their binary encoding and {@code x-exception-*}), so one replay tool reads them all.
 *
 * <p>A batch stage publishes a record that can never succeed itself, inside its poll ({@link #publish}): it goes
 * to the DLQ on its first delivery and holds up nothing behind it. A failure that may pass (the broker or a
 * database away) is thrown as {@code BatchListenerFailedException(index)}: {@link #errorHandler} commits the
 * records before it and delivers the poll again from it, with the binding's back-off and number of deliveries, and
 * only then puts that one record on the DLQ, as the binder does for a record binding.
 */
public final class DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private DeadLetters() {
    }

    /** Hands a polled record to its DLQ with the failure headers; wait for it with the poll's other sends. */
    public static CompletableFuture<Void> publish(JobEvents events, String dlq, PolledRecord record, Throwable failure) {
        log.warn("Gave up on the record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                FailedRecordLog.describe(failure));
        var headers = new LinkedHashMap<String, Object>();
        record.headers().forEach((name, value) -> {
            if (!name.startsWith("kafka_") && !name.equals("id") && !name.equals("timestamp")) {
                if (value instanceof byte[] || value instanceof String) {
                    headers.put(name, value instanceof String s ? bytes(s) : value);
                }
            }
        });
        headers.putAll(failureHeaders(record.topic(), record.partition(), record.offset(), record.timestamp(), failure));
        return events.publishKeyed(dlq, record.key(), record.value() == null ? new byte[0] : record.value(), headers);
    }

    /**
     * The error handler of a batch binding ({@code common-error-handler-bean-name}, with the binder's own DLQ off):
     * the binding's deliveries and back-off, then the failing record on {@code dlq}; the exceptions the binding
     * names as not retryable go there on their first delivery.
     */
    public static DefaultErrorHandler errorHandler(JobEvents events, ConsumerProperties binding, String dlq) {
        return errorHandler(events, binding, dlq, (record, failure) -> { });
    }

    /**
     * {@link #errorHandler(JobEvents, ConsumerProperties, String)} that first hands the record given up on to
     * {@code beforeDeadLetter} (e.g. to fail its job clearly), with the failure that says what was wrong with it.
     */
    public static DefaultErrorHandler errorHandler(JobEvents events, ConsumerProperties binding, String dlq,
            BiConsumer<ConsumerRecord<?, ?>, Throwable> beforeDeadLetter) {
        var backOff = new ExponentialBackOffWithMaxRetries(Math.max(0, binding.getMaxAttempts()));
        backOff.setInitialInterval(binding.getBackOffInitialInterval());
        backOff.setMultiplier(binding.getBackOffMultiplier());
        backOff.setMaxInterval(binding.getBackOffMaxInterval());
        var handler = new DefaultErrorHandler((record, failure) -> {
            log.warn("Gave up on the record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    FailedRecordLog.describe(failure));
            beforeDeadLetter.accept(record, innermost(failure));
            JobEvents.await(publish(events, dlq, record, innermost(failure)));
        }, backOff);
        binding.getRetryableExceptions().forEach((type, retryable) -> {
            if (!retryable && Exception.class.isAssignableFrom(type)) {
                @SuppressWarnings("unchecked")
                var exception = (Class<? extends Exception>) type;
                handler.addNotRetryableExceptions(exception);
            }
        });
        return handler;
    }

    /**
     * Whether a failure can never pass for this record, by the binding's {@code retryable-exceptions} (false = never
     * retried; causes are matched too): such a record goes to the DLQ on its first delivery.
     */
    public static boolean neverSucceeds(ConsumerProperties binding, Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            for (var entry : binding.getRetryableExceptions().entrySet()) {
                if (!entry.getValue() && entry.getKey().isInstance(cause)) {
                    return true;
                }
            }
        }
        return false;
    }

    static CompletableFuture<Void> publish(JobEvents events, String dlq, ConsumerRecord<?, ?> record, Throwable failure) {
        var headers = new LinkedHashMap<String, Object>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value());
        }
        headers.putAll(failureHeaders(record.topic(), record.partition(), record.offset(), record.timestamp(), failure));
        var value = record.value() instanceof byte[] b ? b : new byte[0];
        return events.publishKeyed(dlq, record.key() instanceof byte[] k ? k : null, value, headers);
    }

    static Map<String, Object> failureHeaders(String topic, int partition, long offset, long timestamp, Throwable failure) {
        var headers = new LinkedHashMap<String, Object>();
        headers.put("x-original-topic", bytes(String.valueOf(topic)));
        headers.put("x-original-partition", ByteBuffer.allocate(Integer.BYTES).putInt(partition).array());
        headers.put("x-original-offset", ByteBuffer.allocate(Long.BYTES).putLong(offset).array());
        headers.put("x-original-timestamp", ByteBuffer.allocate(Long.BYTES).putLong(timestamp).array());
        headers.put("x-exception-fqcn", bytes(failure.getClass().getName()));
        headers.put("x-exception-message", bytes(String.valueOf(failure.getMessage())));
        var trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        headers.put("x-exception-stacktrace", bytes(trace.toString()));
        return headers;
    }

    /** The cause that says what was wrong with the record, not how the listener wrapped it. */
    private static Throwable innermost(Throwable failure) {
        var cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
