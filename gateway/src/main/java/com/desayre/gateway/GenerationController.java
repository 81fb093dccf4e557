package com.desayre.gateway;

import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Takes generation requests. Answers 202 only after Kafka acknowledged the job; bad input is a
 * 400 naming each wrong field, and nothing is published for it.
 */
@RestController
@RequestMapping("/api/generate")
class GenerationController {
    private static final Logger log = LoggerFactory.getLogger(GenerationController.class);
    private static final Set<String> IMAGE_FIELDS = Set.of("prompt", "aspectRatio", "seed", "styleProfile", "enhance", "priority");

    private final JobPublisher publisher;
    private final StatusCache cache;
    private final GatewaySettings settings;

    GenerationController(JobPublisher publisher, StatusCache cache, GatewaySettings settings) {
        this.publisher = publisher;
        this.cache = cache;
        this.settings = settings;
    }

    record Accepted(String jobId, String status, String statusUrl, String eventsUrl) {
    }

    @PostMapping("/image")
    Mono<ResponseEntity<Accepted>> image(@RequestBody JsonNode body, @AuthenticationPrincipal Jwt jwt) {
        var spec = imageSpec(body, CurrentUser.of(jwt));
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
        if (body == null || !body.isObject()) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("", "The body must be a JSON object.")));
        }
        var errors = new ArrayList<ApiProblem.FieldError>();
        body.propertyNames().forEach(name -> {
            if (!IMAGE_FIELDS.contains(name)) {
                errors.add(new ApiProblem.FieldError(name, "Unknown field '" + name + "'. Known fields: " + String.join(", ", IMAGE_FIELDS.stream().sorted().toList()) + "."));
            }
        });
        var prompt = body.get("prompt");
        if (prompt == null || !prompt.isString() || prompt.asString().isBlank()) {
            errors.add(new ApiProblem.FieldError("prompt", "'prompt' is required: describe the image you want."));
        } else if (prompt.asString().length() > settings.maxPromptLength()) {
            errors.add(new ApiProblem.FieldError("prompt", "'prompt' is " + prompt.asString().length()
                    + " characters; the limit is " + settings.maxPromptLength() + "."));
        }
        var aspect = optionalText(body, "aspectRatio", errors);
        var aspectRatio = aspect == null ? AspectRatios.DEFAULT : aspect;
        if (!AspectRatios.SIZES.containsKey(aspectRatio)) {
            errors.add(new ApiProblem.FieldError("aspectRatio", "'" + aspectRatio + "' is not a supported aspect ratio. Use one of: "
                    + String.join(", ", AspectRatios.SIZES.keySet()) + "."));
        }
        Long seed = null;
        var seedNode = body.get("seed");
        if (seedNode != null && !seedNode.isNull()) {
            if (!seedNode.isIntegralNumber() || seedNode.asLong() < 0) {
                errors.add(new ApiProblem.FieldError("seed", "'seed' must be a whole number of 0 or more."));
            } else {
                seed = seedNode.asLong();
            }
        }
        var styleProfile = optionalText(body, "styleProfile", errors);
        var enhance = true;
        var enhanceNode = body.get("enhance");
        if (enhanceNode != null && !enhanceNode.isNull()) {
            if (!enhanceNode.isBoolean()) {
                errors.add(new ApiProblem.FieldError("enhance", "'enhance' must be true or false."));
            } else {
                enhance = enhanceNode.asBoolean();
            }
        }
        var priority = Priority.INTERACTIVE;
        var priorityText = optionalText(body, "priority", errors);
        if (priorityText != null) {
            try {
                priority = Priority.valueOf(priorityText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new ApiProblem.FieldError("priority", "'priority' must be 'interactive' or 'batch'."));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(List.copyOf(errors));
        }
        var size = AspectRatios.SIZES.get(aspectRatio);
        return new JobSpec(user.id(), JobKind.IMAGE, prompt.asString(), aspectRatio, size[0], size[1], seed, styleProfile,
                enhance, priority, null);
    }

    private static String optionalText(JsonNode body, String field, List<ApiProblem.FieldError> errors) {
        var node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            errors.add(new ApiProblem.FieldError(field, "'" + field + "' must be a string."));
            return null;
        }
        return node.asString();
    }
}
