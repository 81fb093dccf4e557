package com.desayre.storage;

import com.desayre.contracts.RequestRules;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.requested} into each job's row: what the user asked, for the history. Only a
 * request that keeps {@link RequestRules} is recorded; any other is prompt-encoder's to refuse (it fails
 * the job and moves the record to {@code generation.requested.dlq}), so here it is counted and passed
 * over, never retried: a NUL in a prompt, which Postgres cannot store, once held this projection up for
 * every user.
 */
@Component("recordRequest")
class RecordRequests implements Consumer<Message<?>> {
    private static final Logger log = LoggerFactory.getLogger(RecordRequests.class);

    private final JobProjection projection;
    private final Counter skipped;

    RecordRequests(JobProjection projection, MeterRegistry meters) {
        this.projection = projection;
        this.skipped = meters.counter("desayre.sink.requests.skipped");
    }

    @Override
    public void accept(Message<?> message) {
        // a tombstone arrives as KafkaNull, not bytes
        var reading = RequestRules.read(message.getPayload() instanceof byte[] bytes ? bytes : null);
        if (!reading.valid()) {
            skipped.increment();
            log.info("Request of job {} not recorded (prompt-encoder refuses it): {}", reading.jobId(), reading.summary());
            return;
        }
        projection.record(reading.request());
    }
}
