package com.desayre.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StageProfilerTest {

    @Test
    void aConsumerThreadIsNamedByItsTopicAndDlqAPoolWithoutNumbers() {
        assertEquals("generation.media.ready consumer (dlq generation.media.ready.dlq)", StageProfiler.stage(
                "KafkaConsumerDestination{consumerDestinationName='generation.media.ready', partitions=3, "
                        + "dlqName='generation.media.ready.dlq'}.container-0-C-1"));
        assertEquals("generation.status consumer (dlq none)", StageProfiler.stage(
                "KafkaConsumerDestination{consumerDestinationName='generation.status', partitions=3, dlqName='null'}.container-0-C-1"));
        assertEquals("image-worker-step-N", StageProfiler.stage("image-worker-step-12"));
    }

    @Test
    void aSampleIsPlacedAtTheInnermostDesayreMethodAndTheCallItMade() {
        var waiting = new StackTraceElement[] {
            new StackTraceElement("jdk.internal.misc.Unsafe", "park", null, -1),
            new StackTraceElement("java.util.concurrent.CompletableFuture", "get", null, -1),
            new StackTraceElement("com.desayre.platform.JobEvents", "send", null, -1),
            new StackTraceElement("com.desayre.storage.JobProjection", "saveMedia", null, -1),
        };
        assertEquals("JobEvents.send → CompletableFuture.get [Unsafe.park]", StageProfiler.place(waiting));
        var polling = new StackTraceElement[] {
            new StackTraceElement("sun.nio.ch.EPoll", "wait", null, -1),
            new StackTraceElement("org.apache.kafka.clients.consumer.KafkaConsumer", "poll", null, -1),
        };
        assertEquals("idle (polling for records)", StageProfiler.place(polling));
    }
}
