package com.desayre.platform;

import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Publishes job events keyed by job id, so one job's events stay ordered in one partition.
 *
 * <p>The producers are asynchronous (a small {@code linger.ms} lets records of one poll share a produce request):
 * {@link #publish} hands a record to the producer and returns its acknowledgement, {@link #send} waits for it. A
 * batch stage publishes all of a poll's records and waits once for all of them ({@link PollSends}) before it
 * returns, so before the container commits the poll's offsets: a stage's output is acknowledged before its input
 * is committed either way.
 */
public final class JobEvents {
    /** The Kafka binder's message-key header ({@code KafkaHeaders.KEY}); the key serializer takes bytes. */
    static final String KAFKA_KEY = "kafka_messageKey";
    /** Asks the binder's Kafka handler for the send's future ({@code KafkaIntegrationHeaders.FUTURE_TOKEN}). */
    static final String FUTURE_TOKEN = "kafka_futureToken";
    /** Longer than the producer's own {@code delivery.timeout.ms} (2 min), which ends every send first. */
    private static final long ACK_WAIT_SECONDS = 150;

    /**
     * Where the binder's handler puts the future of a send that asked for it; read at once on the same thread
     * ({@link JobEventsConfiguration} hands this channel to every Kafka producer handler).
     */
    private static final ThreadLocal<CompletableFuture<?>> LAST_SEND = new ThreadLocal<>();
    static final MessageChannel ACKNOWLEDGEMENTS = (message, timeout) -> {
        if (message.getPayload() instanceof CompletableFuture<?> future) {
            LAST_SEND.set(future);
        }
        return true;
    };

    private static final Logger log = LoggerFactory.getLogger(JobEvents.class);

    private final StreamBridge bridge;
    private final Set<String> unacknowledgedTopics = ConcurrentHashMap.newKeySet();

    public JobEvents(StreamBridge bridge) {
        this.bridge = bridge;
    }

    /** Sends and waits for the broker's acknowledgement. */
    public void send(String topic, String jobId, Object event) {
        send(topic, jobId, event, Map.of());
    }

    /**
     * Sends with extra Kafka headers, e.g. a worker's own dead-letter record with the binder's
     * {@code x-original-*} / {@code x-exception-*} failure headers, and waits for the broker's acknowledgement.
     * Give byte[] values to have them written as they are (other values are JSON-encoded by the binder's header mapper).
     */
    public void send(String topic, String jobId, Object event, Map<String, ?> headers) {
        await(publish(topic, jobId, event, headers));
    }

    /** Hands the event to the producer; the future completes when the broker acknowledged it (or failed for good). */
    public CompletableFuture<Void> publish(String topic, String jobId, Object event, Map<String, ?> headers) {
        return publishKeyed(topic, jobId == null ? null : jobId.getBytes(StandardCharsets.UTF_8), event, headers);
    }

    /** {@link #publish} with a raw key (or none): a record passed on as it came, e.g. to a dead-letter topic. */
    public CompletableFuture<Void> publishKeyed(String topic, byte[] key, Object event, Map<String, ?> headers) {
        var builder = MessageBuilder.withPayload(event).copyHeaders(headers).setHeader(FUTURE_TOKEN, Boolean.TRUE);
        if (key != null) {
            builder.setHeader(KAFKA_KEY, key);
        }
        LAST_SEND.remove();
        try {
            if (!bridge.send(topic, builder.build())) {
                return CompletableFuture.failedFuture(new IllegalStateException("Kafka did not take the event for "
                        + describe(key) + " on " + topic));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // e.g. metadata not available in max.block.ms
        }
        var sent = LAST_SEND.get();
        LAST_SEND.remove();
        if (sent == null) {
            // a handler that reports no future sent synchronously (the test binder): bridge.send returning is the
            // hand-off. A Kafka binding never should (its sends would look acknowledged while still in the buffer).
            if (unacknowledgedTopics.add(topic)) {
                log.warn("Sends to {} report no acknowledgement: they count as done when handed over", topic);
            }
            return CompletableFuture.completedFuture(null);
        }
        return sent.thenApply(result -> null);
    }

    public void status(StatusChanged status) {
        send(Topics.STATUS, status.jobId(), status);
    }

    /** Hands a status to the producer; see {@link #publish}. */
    public CompletableFuture<Void> publishStatus(StatusChanged status) {
        return publish(Topics.STATUS, status.jobId(), status, Map.of());
    }

    /** Waits for a send; its failure is thrown as it came (a RuntimeException), with the broker's cause. */
    static void await(CompletableFuture<?> sent) {
        try {
            sent.get(ACK_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("Kafka did not acknowledge the event", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge the event in " + ACK_WAIT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted waiting for Kafka", e);
        }
    }

    private static String describe(byte[] key) {
        return key == null ? "a record without key" : "job " + new String(key, StandardCharsets.UTF_8);
    }
}
