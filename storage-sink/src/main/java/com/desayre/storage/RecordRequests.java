package com.desayre.storage;

import com.desayre.contracts.RequestRules;
import com.desayre.platform.DatabaseOutages;
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
import org.springframework.cloud.stream.binder.ConsumerProperties;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.requested} into each job's row: what the user asked, for the history, and the job's trace
 * id. A poll at a time, in one multi-row statement ({@link JobProjection#recordAll}; docs/architecture.md, "How a
 * stage hands off"); a database that is away is waited out, however long. Only a request that keeps
 * {@link RequestRules} is recorded; any other is prompt-encoder's to refuse (it fails the job and moves the record
 * to {@code generation.requested.dlq}), so here it is counted and passed over, never retried: a NUL in a prompt,
 * which Postgres cannot store, once held this projection up for every user. Should a poll fail for another reason,
 * its requests are recorded one at a time to find the one at fault: dead-lettered if it never can succeed, else the
 * poll stops there and is delivered again from it.
 */
@Component("recordRequest")
class RecordRequests implements Consumer<Message<List<byte[]>>> {
    private static final Logger log = LoggerFactory.getLogger(RecordRequests.class);
    static final String BINDING = "recordRequest-in-0";
    static final String DLQ = "generation.requested.storage-sink.dlq";

    private final JobProjection projection;
    private final JobEvents events;
    private final ConsumerProperties binding;
    private final Counter skipped;

    RecordRequests(JobProjection projection, JobEvents events, BindingServiceProperties bindings, MeterRegistry meters) {
        this.projection = projection;
        this.events = events;
        this.binding = bindings.getConsumerProperties(BINDING);
        this.skipped = meters.counter("desayre.sink.requests.skipped");
    }

    private record Read(PolledRecord record, JobProjection.Requested requested) { }

    @Override
    public void accept(Message<List<byte[]>> poll) {
        var read = new ArrayList<Read>();
        for (var record : PolledRecord.of(poll)) {
            var reading = RequestRules.read(record.value());
            if (!reading.valid()) {
                skipped.increment();
                log.info("Request of job {} not recorded (prompt-encoder refuses it): {}", reading.jobId(), reading.summary());
                continue;
            }
            read.add(new Read(record, new JobProjection.Requested(reading.request(), JobTrace.traceIdOf(record.traceparent()))));
        }
        if (read.isEmpty()) {
            return;
        }
        try {
            DatabaseOutages.waitOut("a poll of " + read.size() + " requests waits to be recorded",
                    () -> {
                        projection.recordAll(read.stream().map(Read::requested).toList());
                        return null;
                    });
            return;
        } catch (RuntimeException e) {
            log.info("A poll of {} requests failed as one statement ({}): recording them one at a time", read.size(), e.toString());
        }
        var sends = new PollSends();
        PollSends.Failure failure = null;
        for (var r : read) {
            try {
                DatabaseOutages.waitOut("the request of job " + r.requested().request().jobId() + " waits to be recorded", () -> {
                    projection.recordAll(List.of(r.requested()));
                    return null;
                });
            } catch (RuntimeException one) {
                if (!DeadLetters.neverSucceeds(binding, one)) {
                    failure = new PollSends.Failure(r.record().index(), one);
                    break;
                }
                sends.add(r.record().index(), DeadLetters.publish(events, DLQ, r.record(), one));
            }
        }
        failure = PollSends.Failure.earlier(failure, sends.firstFailure());
        if (failure != null) {
            throw new BatchListenerFailedException("Recording generation.requested again from this record: "
                    + failure.cause().getMessage(), failure.cause(), failure.index());
        }
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
