package com.desayre.storage;

import com.desayre.contracts.RequestRules;
import com.desayre.platform.DeadLetters;
import com.desayre.platform.JobEvents;
import com.desayre.platform.JobTrace;
import com.desayre.platform.PollSends;
import com.desayre.platform.PolledRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.requested} into each job's row: what the user asked, for the history, and the job's trace
 * id. A poll at a time, in one multi-row statement ({@link JobProjection#recordAll}, written as {@link PollWriter} writes
 * a poll); a database that is away is waited out, however long. Only a request that keeps
 * {@link RequestRules} is recorded; any other is prompt-encoder's to refuse (it fails the job and moves the record
 * to {@code generation.requested.dlq}), so here it is counted and passed over, never retried: a NUL in a prompt,
 * which Postgres cannot store, once held this projection up for every user. Should a poll fail for another reason,
 * its requests are recorded one at a time to find the one at fault ({@link PollWriter}).
 */
@Component("recordRequest")
class RecordRequests implements Consumer<Message<List<byte[]>>> {
    private static final Logger log = LoggerFactory.getLogger(RecordRequests.class);
    static final String BINDING = "recordRequest-in-0";
    static final String DLQ = "generation.requested.storage-sink.dlq";

    private final PollWriter<JobProjection.Requested> writer;
    private final Counter skipped;

    RecordRequests(JobProjection projection, JobEvents events, BindingServiceProperties bindings, MeterRegistry meters) {
        this.writer = new PollWriter<>("requests", r -> "the request of job " + r.request().jobId(), projection::recordAll,
                bindings.getConsumerProperties(BINDING), events, DLQ);
        this.skipped = meters.counter("desayre.sink.requests.skipped");
    }

    @Override
    public void accept(Message<List<byte[]>> poll) {
        var read = new ArrayList<PollWriter.Read<JobProjection.Requested>>();
        for (var record : PolledRecord.of(poll)) {
            var reading = RequestRules.read(record.value());
            if (!reading.valid()) {
                skipped.increment();
                log.info("Request of job {} not recorded (prompt-encoder refuses it): {}", reading.jobId(), reading.summary());
                continue;
            }
            read.add(new PollWriter.Read<>(record, new JobProjection.Requested(reading.request(),
                    JobTrace.traceIdOf(record.traceparent()))));
        }
        writer.write(read, new PollSends());
    }

    /** The binding's error handler ({@code common-error-handler-bean-name: recordRequestErrors}). */
    @Configuration(proxyBeanMethods = false)
    static class Binding {
        @Bean
        CommonErrorHandler recordRequestErrors(JobEvents events, BindingServiceProperties bindings) {
            return DeadLetters.errorHandler(events, bindings.getConsumerProperties(BINDING), DLQ);
        }
    }
}
