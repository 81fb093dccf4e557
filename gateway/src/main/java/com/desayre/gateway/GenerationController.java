package com.desayre.gateway;

import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import java.net.URI;
import com.desayre.encoder.core.EncodeRequest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Takes generation requests. Answers 202 only after Kafka acknowledged the job; bad input is a
 * 400 naming each wrong field (422 for a prompt the content policy refuses), and nothing is
 * published for it.
 */
@RestController
@RequestMapping("/api/generate")
class GenerationController {
    private static final Logger log = LoggerFactory.getLogger(GenerationController.class);
    private static final Set<String> IMAGE_FIELDS = Set.of("prompt", "aspectRatio", "seed", "styleProfile", "enhance", "priority");

    private final JobPublisher publisher;
    private final StatusCache cache;
    private final GatewaySettings settings;
    private final PromptChecks checks;

    GenerationController(JobPublisher publisher, StatusCache cache, GatewaySettings settings, PromptChecks checks) {
        this.publisher = publisher;
        this.cache = cache;
        this.settings = settings;
        this.checks = checks;
    }

    record Accepted(String jobId, String status, String statusUrl, String eventsUrl) {
    }

    @PostMapping("/image")
    Mono<ResponseEntity<Accepted>> image(@RequestBody JsonNode body, CurrentUser user) {
        var spec = imageSpec(body, user);
        var jobId = UUID.randomUUID().toString();
        var queued = StatusChanged.of(jobId, spec, JobStatus.QUEUED, "gateway", "Waiting for a free slot.");
        return publisher.publish(Topics.REQUESTED, jobId, GenerationRequested.of(jobId, spec))
                .then(Mono.defer(() -> announce(queued)))
                .then(Mono.fromSupplier(() -> {
                    var statusUrl = "/api/jobs/" + jobId;
                    return ResponseEntity.accepted().location(URI.create(statusUrl))
                            .body(new Accepted(jobId, JobStatus.QUEUED.name(), statusUrl, statusUrl + "/events"));
                }));
    }

    /** The job is already safe in Kafka: a failure to announce QUEUED must not turn into an error for the caller. */
    private Mono<Void> announce(StatusChanged queued) {
        return cache.offer(queued).then(publisher.publish(Topics.STATUS, queued.jobId(), queued))
                .onErrorResume(e -> {
                    log.warn("Job {} accepted, but its QUEUED status was not published: {}", queued.jobId(), e.getMessage());
                    return Mono.empty();
                });
    }

    private JobSpec imageSpec(JsonNode body, CurrentUser user) {
        var fields = new RequestFields(body, IMAGE_FIELDS);
        var prompt = fields.requiredText("prompt", settings.maxPromptLength(), "describe the image you want.");
        var aspectRatio = fields.optionalText("aspectRatio");
        aspectRatio = aspectRatio == null ? AspectRatios.DEFAULT : aspectRatio;
        if (!AspectRatios.SIZES.containsKey(aspectRatio)) {
            fields.reject("aspectRatio", "'" + aspectRatio + "' is not a supported aspect ratio. Use one of: "
                    + String.join(", ", AspectRatios.SIZES.keySet()) + ".");
        }
        var seed = fields.optionalNonNegativeLong("seed");
        var styleProfile = fields.optionalText("styleProfile");
        var enhance = fields.optionalBoolean("enhance", true);
        var priority = Priority.valueOf(fields.optionalChoice("priority", List.of("interactive", "batch"), "interactive")
                .toUpperCase(Locale.ROOT));
        fields.throwIfInvalid();
        checks.encode(new EncodeRequest(JobKind.IMAGE, prompt, styleProfile, enhance, aspectRatio, false));
        var size = AspectRatios.SIZES.get(aspectRatio);
        return new JobSpec(user.id(), JobKind.IMAGE, prompt, aspectRatio, size[0], size[1], seed, styleProfile,
                enhance, priority, null);
    }
}
