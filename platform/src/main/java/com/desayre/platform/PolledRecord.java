package com.desayre.platform;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.messaging.Message;

/**
 * One record of a batch binding's poll ({@code consumer.batch-mode: true}): the binder hands a poll over as one
 * message whose payload is the list of values and whose headers are lists in the same order.
 *
 * @param index    its place in the poll ({@code BatchListenerFailedException}'s index)
 * @param value    the value's bytes, null for a tombstone
 * @param key      the key's bytes, or null
 * @param headers  the record's own headers as the binder read them
 */
public record PolledRecord(int index, String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
        Map<String, Object> headers) {

    public static List<PolledRecord> of(Message<?> poll) {
        var h = poll.getHeaders();
        if (!(poll.getPayload() instanceof List<?> values)) {
            // one record on its own, e.g. from Spring Cloud Stream's test binder: a poll of one, its headers not lists
            return List.of(new PolledRecord(0, string(h.get("kafka_receivedTopic")), number(h.get("kafka_receivedPartitionId")).intValue(),
                    number(h.get("kafka_offset")).longValue(), number(h.get("kafka_receivedTimestamp")).longValue(),
                    bytes(h.get("kafka_receivedMessageKey") != null ? h.get("kafka_receivedMessageKey") : h.get("kafka_messageKey")),
                    bytes(poll.getPayload()), Map.of()));
        }
        var records = new ArrayList<PolledRecord>(values.size());
        for (int i = 0; i < values.size(); i++) {
            records.add(new PolledRecord(i, string(at(h.get("kafka_receivedTopic"), i)),
                    number(at(h.get("kafka_receivedPartitionId"), i)).intValue(), number(at(h.get("kafka_offset"), i)).longValue(),
                    number(at(h.get("kafka_receivedTimestamp"), i)).longValue(), bytes(at(h.get("kafka_receivedMessageKey"), i)),
                    bytes(values.get(i)), converted(at(h.get("kafka_batchConvertedHeaders"), i))));
        }
        return records;
    }

    /** The record's trace ({@code traceparent} header), to resume while it is handled ({@link JobTrace#resume}), or null. */
    public String traceparent() {
        return JobTrace.headerValue(headers.get(JobTrace.HEADER));
    }

    /** The key as text (DESAYRE keys job events by job id), or null. */
    public String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    private static Object at(Object list, int i) {
        return list instanceof List<?> l && i < l.size() ? l.get(i) : null;
    }

    private static Number number(Object value) {
        return value instanceof Number n ? n : -1;
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }

    /** A tombstone arrives as {@code KafkaNull}, not bytes; a String key as text. */
    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        return value instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> converted(Object headers) {
        return headers instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
