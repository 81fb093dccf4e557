package com.desayre.encoder;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.PromptEncoding;
import com.desayre.contracts.Route;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.encoder.core.EncodeRequest;
import com.desayre.encoder.core.EncodeResult;
import com.desayre.encoder.core.PromptEncoder;
import com.desayre.platform.JobEvents;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.requested}, encodes the prompt in the house style, routes the job to
 * its model and lane, and passes it on. A prompt the encoder rejects ends the job FAILED with the
 * encoder's code and reason; nothing reaches a provider. Deterministic: a redelivered request
 * is encoded the same way again.
 */
@Component("encode")
class EncodeRequests implements Consumer<GenerationRequested> {
    private static final Logger log = LoggerFactory.getLogger(EncodeRequests.class);
    static final String STAGE = "prompt-encoder";

    private final JobEvents events;
    private final PromptEncoder encoder;

    EncodeRequests(JobEvents events, PromptEncoder encoder) {
        this.events = events;
        this.encoder = encoder;
    }

    @Override
    public void accept(GenerationRequested request) {
        MDC.put("jobId", request.jobId());
        try {
            encode(request);
        } finally {
            MDC.remove("jobId");
        }
    }

    private void encode(GenerationRequested request) {
        var spec = request.spec();
        if (spec == null || spec.kind() == null || spec.ownerId() == null) {
            // nobody to tell and nothing to route: a broken record is the DLQ's, not a crash loop's
            throw new IllegalArgumentException("generation.requested record without spec, kind or owner");
        }
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
        // the status first: once the job is out, its worker's statuses follow at once and must come after ENCODED
        events.status(StatusChanged.of(request.jobId(), spec, JobStatus.ENCODED, STAGE, message)
                .withEncoding(new PromptEncoding(encoded.prompt(), encoded.negativePrompt(), encoded.profile(), encoded.version(),
                        route.provider(), route.model())));
        events.send(spec.kind() == JobKind.VIDEO ? Topics.VIDEO_REQUESTED : Topics.IMAGE_REQUESTED, request.jobId(), job);
        log.info("Encoded with {} for {}", encoded.version(), route.model());
    }
}
