package com.desayre.encoder;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.PromptEncoding;
import com.desayre.contracts.RequestRules;
import com.desayre.contracts.Route;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.contracts.UnusableRecordException;
import com.desayre.encoder.core.EncodeRequest;
import com.desayre.encoder.core.EncodeResult;
import com.desayre.encoder.core.PromptEncoder;
import com.desayre.platform.DeadLetters;
import com.desayre.platform.JobEvents;
import com.desayre.platform.JobTrace;
import com.desayre.platform.PollSends;
import com.desayre.platform.PolledRecord;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.cloud.stream.binder.ConsumerProperties;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.requested}, the first stage every job passes, and the door for integrations that
 * publish there directly: each record is held to the same {@link RequestRules} as a REST request. A record
 * that breaks them ends its job FAILED / {@code INVALID_REQUEST} (when it names a usable job id and owner)
 * and goes to {@code generation.requested.dlq} on its first delivery, reaching no provider and no storage
 * key. So does a job whose owner has no account, or a disabled one ({@code OWNER_NOT_ALLOWED}, from the
 * gateway's {@code generation.accounts}, see {@link Owners}). A valid one is encoded in the house style, routed to its model and lane, and passed on; a prompt
 * the encoder rejects ends the job FAILED with the encoder's code. Deterministic: a redelivered request is
 * encoded the same way again.
 *
 * <p>A batch stage (docs/architecture.md, "How a stage hands off"): a poll's statuses and dead letters are
 * published together and awaited once, then the encoded jobs of the requests whose ENCODED the broker took, and
 * awaited once; only then does the poll's offset commit. So a job's ENCODED is always in Kafka before its job
 * reaches a worker (whose statuses follow it). A send that fails and may pass stops the poll at its record
 * ({@link BatchListenerFailedException}): the records before it commit, it and the rest come again.
 */
@Component("encode")
class EncodeRequests implements Consumer<Message<List<byte[]>>> {
    private static final Logger log = LoggerFactory.getLogger(EncodeRequests.class);
    static final String STAGE = "prompt-encoder";
    static final String DLQ = Topics.dlq(Topics.REQUESTED);

    private final JobEvents events;
    private final PromptEncoder encoder;
    private final MeterRegistry meters;
    private final Owners owners;
    private final ConsumerProperties binding;

    EncodeRequests(JobEvents events, PromptEncoder encoder, MeterRegistry meters, Owners owners, EncodeBinding binding) {
        this.events = events;
        this.encoder = encoder;
        this.meters = meters;
        this.owners = owners;
        this.binding = binding.properties();
    }

    /** A request encoded and announced (its ENCODED status sent), whose job goes out once the status is in. */
    private record Ready(PolledRecord record, GenerationRequested request, String topic, EncodedJob job, String model,
            String version) { }

    @Override
    public void accept(Message<List<byte[]>> poll) {
        var records = PolledRecord.of(poll);
        var sends = new PollSends();
        var ready = new ArrayList<Ready>();
        PollSends.Failure failure = null;
        for (var record : records) {
            // each record in its job's trace: what it logs and publishes carries it (docs/tracing.md)
            try (var trace = JobTrace.resume(record.traceparent(), STAGE)) {
                var encoded = handle(record, sends);
                if (encoded != null) {
                    ready.add(encoded);
                }
            } catch (RuntimeException e) {
                failure = new PollSends.Failure(record.index(), e); // may pass (e.g. the accounts not read yet): from here on again
                break;
            } finally {
                MDC.remove("jobId");
            }
        }
        failure = PollSends.Failure.earlier(failure, sends.firstFailure());
        failure = PollSends.Failure.earlier(failure, sendJobs(ready, failure == null ? records.size() : failure.index()));
        if (failure != null) {
            throw new BatchListenerFailedException("Delivering generation.requested again from this record: "
                    + failure.cause().getMessage(), failure.cause(), failure.index());
        }
    }

    /** Validates and encodes one request, publishing its status (and dead letter); answers the job to send, if any. */
    private Ready handle(PolledRecord record, PollSends sends) {
        var reading = RequestRules.read(record.value());
        MDC.put("jobId", reading.jobId() == null ? "?" : reading.jobId());
        try {
            if (!reading.valid()) {
                refuse(record, reading, new JobError(JobError.INVALID_REQUEST, reading.summary()), sends);
                return null;
            }
            var owner = reading.request().spec().ownerId();
            switch (owners.standing(owner)) {
                case UNKNOWN -> {
                    refuse(record, reading, new JobError(JobError.OWNER_NOT_ALLOWED, "There is no account '" + owner
                            + "': only users of this studio may have jobs run."), sends);
                    return null;
                }
                case DISABLED -> {
                    refuse(record, reading, new JobError(JobError.OWNER_NOT_ALLOWED, "The account '" + owner
                            + "' is disabled: ask an admin to enable it."), sends);
                    return null;
                }
                case ENABLED -> { }
            }
            return encode(record, reading.request(), sends);
        } catch (RuntimeException e) {
            if (!DeadLetters.neverSucceeds(binding, e)) {
                throw e;
            }
            log.info("Request unusable: {}", e.toString());
            sends.add(record.index(), DeadLetters.publish(events, DLQ, record, e));
            return null;
        }
    }

    /** Ends the job FAILED where there is a job to tell, and sends the record to the DLQ. */
    private void refuse(PolledRecord record, RequestRules.Reading reading, JobError error, PollSends sends) {
        meters.counter("desayre.encoder.requests.refused", "code", error.code()).increment();
        log.info("Request refused ({}): {}", error.code(), error.message());
        if (reading.tellable()) {
            sends.add(record.index(), events.publishStatus(
                    StatusChanged.failed(reading.jobId(), reading.ownerId(), reading.kind(), STAGE, error)));
        }
        sends.add(record.index(), DeadLetters.publish(events, DLQ, record, new UnusableRecordException(error.message())));
    }

    private Ready encode(PolledRecord record, GenerationRequested request, PollSends sends) {
        var spec = request.spec();
        var result = encoder.encode(new EncodeRequest(spec.kind(), spec.prompt(), spec.styleProfile(), spec.enhance(),
                spec.aspectRatio(), spec.sourceMediaKey() != null));
        if (result instanceof EncodeResult.Rejected rejected) {
            log.info("Prompt rejected: {}", rejected.code());
            sends.add(record.index(), events.publishStatus(
                    StatusChanged.failed(request.jobId(), spec, STAGE, new JobError(rejected.code(), rejected.reason()))));
            return null;
        }
        var encoded = (EncodeResult.Encoded) result;
        var route = new Route(encoded.route().provider(), encoded.route().model(), spec.priority());
        var job = EncodedJob.of(request.jobId(), spec, route, encoded.prompt(), encoded.negativePrompt(), encoded.version());
        var message = encoded.added().isEmpty() ? "Prompt ready for " + route.model() + "."
                : "Prompt enhanced in the " + encoded.profile() + " style for " + route.model() + ".";
        // the status first: once the job is out, its worker's statuses follow at once and must come after ENCODED
        sends.add(record.index(), events.publishStatus(StatusChanged.of(request.jobId(), spec, JobStatus.ENCODED, STAGE, message)
                .withEncoding(new PromptEncoding(encoded.prompt(), encoded.negativePrompt(), encoded.profile(), encoded.version(),
                        route.provider(), route.model()))));
        return new Ready(record, request, spec.kind() == JobKind.VIDEO ? Topics.VIDEO_REQUESTED : Topics.IMAGE_REQUESTED, job,
                route.model(), encoded.version());
    }

    /**
     * Sends the jobs of the records before {@code upTo} (their ENCODED is in Kafka) and waits for them. A job too large
     * for its next topic fails for good: FAILED for the user, its request to the DLQ (it fitted its own topic).
     */
    private PollSends.Failure sendJobs(List<Ready> ready, int upTo) {
        var sent = new ArrayList<CompletableFuture<Void>>();
        var going = ready.stream().filter(r -> r.record().index() < upTo).toList();
        for (var r : going) {
            try (var trace = JobTrace.resume(r.record().traceparent(), STAGE)) {
                sent.add(events.publish(r.topic(), r.request().jobId(), r.job(), Map.of()));
            }
        }
        var sends = new PollSends();
        PollSends.Failure failure = null;
        for (int i = 0; i < going.size(); i++) {
            var r = going.get(i);
            MDC.put("jobId", r.request().jobId());
            // the failure's status and dead letter are sent in the job's trace too: a catch of the try that resumes it
            // would run after the trace is closed
            try (var trace = JobTrace.resume(r.record().traceparent(), STAGE)) {
                try {
                    sent.get(i).join();
                    log.info("Encoded with {} for {}", r.version(), r.model());
                } catch (RuntimeException e) {
                    if (!tooLarge(e)) {
                        failure = PollSends.Failure.earlier(failure, new PollSends.Failure(r.record().index(), e)); // the broker: worth another delivery
                        continue;
                    }
                    var error = new JobError(JobError.JOB_TOO_LARGE, "The encoded job is larger than Kafka takes for its next step; "
                            + "shorten the prompt and run it again.");
                    meters.counter("desayre.encoder.requests.refused", "code", error.code()).increment();
                    sends.add(r.record().index(), events.publishStatus(StatusChanged.failed(r.request().jobId(), r.request().spec(), STAGE, error)));
                    sends.add(r.record().index(), DeadLetters.publish(events, DLQ, r.record(), new UnusableRecordException(error.message(), e)));
                }
            } finally {
                MDC.remove("jobId");
            }
        }
        return PollSends.Failure.earlier(failure, sends.firstFailure());
    }

    private static boolean tooLarge(Throwable e) {
        for (var cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RecordTooLargeException) {
                return true;
            }
        }
        return false;
    }
}
