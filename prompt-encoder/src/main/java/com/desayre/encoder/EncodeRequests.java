package com.desayre.encoder;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Route;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.platform.JobEvents;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.requested}, encodes the prompt, picks the model and passes the job on.
 * Deterministic: a redelivered request produces the same encoded job again.
 */
@Component("encode")
class EncodeRequests implements Consumer<GenerationRequested> {
    private static final Logger log = LoggerFactory.getLogger(EncodeRequests.class);
    static final String STAGE = "prompt-encoder";

    private final JobEvents events;
    private final RouterSettings router;
    private final PromptEncoding encoding = new PromptEncoding();

    EncodeRequests(JobEvents events, RouterSettings router) {
        this.events = events;
        this.router = router;
    }

    @Override
    public void accept(GenerationRequested request) {
        MDC.put("jobId", request.jobId());
        try {
            var spec = request.spec();
            switch (spec.kind()) {
                case IMAGE -> {
                    var route = new Route(router.imageProvider(), router.imageModel(), spec.priority());
                    var job = EncodedJob.of(request.jobId(), spec, route, encoding.encode(spec), null, PromptEncoding.VERSION);
                    events.send(Topics.IMAGE_REQUESTED, request.jobId(), job);
                    events.status(StatusChanged.of(request.jobId(), spec, JobStatus.ENCODED, STAGE,
                            "Prompt prepared for " + route.model() + "."));
                    log.info("Encoded job for {}", route.model());
                }
                // edits and videos arrive with their workers; until then a topic integrator gets a clear answer
                case EDIT, VIDEO -> events.status(StatusChanged.failed(request.jobId(), spec, STAGE,
                        new JobError(JobError.NOT_SUPPORTED, "This DESAYRE version makes images only; "
                                + spec.kind().name().toLowerCase() + " jobs are not available yet.")));
            }
        } finally {
            MDC.remove("jobId");
        }
    }
}
