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
import com.desayre.platform.JobEvents;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
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
 */
@Component("encode")
class EncodeRequests implements Consumer<Message<?>> {
    private static final Logger log = LoggerFactory.getLogger(EncodeRequests.class);
    static final String STAGE = "prompt-encoder";

    private final JobEvents events;
    private final PromptEncoder encoder;
    private final MeterRegistry meters;
    private final Owners owners;

    EncodeRequests(JobEvents events, PromptEncoder encoder, MeterRegistry meters, Owners owners) {
        this.events = events;
        this.encoder = encoder;
        this.meters = meters;
        this.owners = owners;
    }

    @Override
    public void accept(Message<?> message) {
        // a tombstone arrives as KafkaNull, not bytes
        var reading = RequestRules.read(message.getPayload() instanceof byte[] bytes ? bytes : null);
        MDC.put("jobId", reading.jobId() == null ? "?" : reading.jobId());
        try {
            if (!reading.valid()) {
                refuse(reading, new JobError(JobError.INVALID_REQUEST, reading.summary()));
            }
            var owner = reading.request().spec().ownerId();
            switch (owners.standing(owner)) {
                case UNKNOWN -> refuse(reading, new JobError(JobError.OWNER_NOT_ALLOWED, "There is no account '" + owner
                        + "': only users of this studio may have jobs run."));
                case DISABLED -> refuse(reading, new JobError(JobError.OWNER_NOT_ALLOWED, "The account '" + owner
                        + "' is disabled: ask an admin to enable it."));
                case ENABLED -> { }
            }
            encode(reading.request());
        } finally {
            MDC.remove("jobId");
        }
    }

    /** Ends the job FAILED where there is a job to tell, and sends the record to the DLQ. */
    private void refuse(RequestRules.Reading reading, JobError error) {
        meters.counter("desayre.encoder.requests.refused", "code", error.code()).increment();
        log.info("Request refused ({}): {}", error.code(), error.message());
        if (reading.tellable()) {
            events.status(StatusChanged.failed(reading.jobId(), reading.ownerId(), reading.kind(), STAGE, error));
        }
        throw new UnusableRecordException(error.message());
    }

    private void encode(GenerationRequested request) {
        var spec = request.spec();
        var result = encoder.encode(new EncodeRequest(spec.kind(), spec.prompt(), spec.styleProfile(), spec.enhance(),
                spec.aspectRatio(), spec.sourceMediaKey() != null));
        if (result instanceof EncodeResult.Rejected rejected) {
            log.info("Prompt rejected: {}", rejected.code());
            events.status(StatusChanged.failed(request.jobId(), spec, STAGE, new JobError(rejected.code(), rejected.reason())));
            return;
        }
        var encoded = (EncodeResult.Encoded) result;
        var route = new Route(encoded.route().provider(), encoded.route().model(), spec.priority());
        var job = EncodedJob.of(request.jobId(), spec, route, encoded.prompt(), encoded.negativePrompt(), encoded.version());
        var message = encoded.added().isEmpty() ? "Prompt ready for " + route.model() + "."
                : "Prompt enhanced in the " + encoded.profile() + " style for " + route.model() + ".";
        try {
            // the status first: once the job is out, its worker's statuses follow at once and must come after ENCODED
            events.status(StatusChanged.of(request.jobId(), spec, JobStatus.ENCODED, STAGE, message)
                    .withEncoding(new PromptEncoding(encoded.prompt(), encoded.negativePrompt(), encoded.profile(), encoded.version(),
                            route.provider(), route.model())));
            events.send(spec.kind() == JobKind.VIDEO ? Topics.VIDEO_REQUESTED : Topics.IMAGE_REQUESTED, request.jobId(), job);
        } catch (RuntimeException e) {
            if (!tooLarge(e)) {
                throw e; // the broker, most likely: worth another delivery
            }
            // no later delivery can fit it: the job fails for good, and its request goes to the DLQ (it fitted its own topic)
            var error = new JobError(JobError.JOB_TOO_LARGE, "The encoded job is larger than Kafka takes for its next step; "
                    + "shorten the prompt and run it again.");
            meters.counter("desayre.encoder.requests.refused", "code", error.code()).increment();
            events.status(StatusChanged.failed(request.jobId(), spec, STAGE, error));
            throw new UnusableRecordException(error.message(), e);
        }
        log.info("Encoded with {} for {}", encoded.version(), route.model());
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
