package com.desayre.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * The headers of a poll as the Kafka binder hands one to a batch binding ({@code consumer.batch-mode: true}): one list
 * per header, in the records' order. A test on the test binder sends the poll's values as a list with these headers.
 */
public final class BatchPoll {
    private BatchPoll() {
    }

    /** Records of {@code topic}, partition 0, keyed {@code keys}, at offsets from {@code firstOffset} on. */
    public static Map<String, Object> headers(String topic, List<String> keys, long firstOffset) {
        var n = keys.size();
        return Map.of(
                "kafka_receivedMessageKey", keys.stream().map(k -> (Object) k.getBytes(StandardCharsets.UTF_8)).toList(),
                "kafka_receivedTopic", Collections.nCopies(n, topic),
                "kafka_receivedPartitionId", Collections.nCopies(n, 0),
                "kafka_offset", LongStream.range(firstOffset, firstOffset + n).boxed().toList(),
                "kafka_receivedTimestamp", Collections.nCopies(n, System.currentTimeMillis()));
    }
}
