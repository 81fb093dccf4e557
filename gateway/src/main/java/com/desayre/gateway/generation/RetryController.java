package com.desayre.gateway.generation;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.Priority;
import com.desayre.contracts.RequestRules;
import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.history.HistoryRepository;
import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.ProblemTypes;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Retrying a job: a new submission from a past job's inputs, so it lives with generation, not with the job's status. */
@RestController
class RetryController {
    private final HistoryRepository history;
    private final Submissions submissions;

    RetryController(HistoryRepository history, Submissions submissions) {
        this.history = history;
        this.submissions = submissions;
    }

    /** A new job from a failed or cancelled one's inputs (its limit on waiting in line too). */
    @Operation(operationId = "retryJob", summary = "A new job from a failed or cancelled one's inputs")
    @ApiResponse(responseCode = "202", description = "Accepted once Kafka has every job: the new job",
            headers = @Header(name = "Location", description = "The job's status, /api/jobs/{jobId} (one job only)",
                    schema = @Schema(type = "string", format = "uri-reference")),
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Submissions.Accepted.class)))
    @SubmissionProblems
    @ProblemTypes({"not-found", "job-not-retryable"})
    @PostMapping("/api/jobs/{jobId}/retry")
    Mono<ResponseEntity<?>> retry(@PathVariable String jobId, CurrentUser user,
                                  @RequestHeader(value = GenerationController.IDEMPOTENCY_KEY, required = false) String key) {
        return history.job(jobId)
                .filter(row -> user.maySee(row.ownerId()))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("There is no job " + jobId + " that you can see.")))
                .flatMap(row -> {
                    if (!"FAILED".equals(row.status()) && !"CANCELLED".equals(row.status())) {
                        return Mono.error(new ApiProblem(HttpStatus.CONFLICT, "job-not-retryable", "Job cannot be retried",
                                "Only a failed or cancelled job can be retried; this one is " + row.status() + ".", Map.of()));
                    }
                    return submissions.submit(spec(row, user), key, "retry " + jobId);
                });
    }

    private static JobSpec spec(HistoryRepository.Row row, CurrentUser user) {
        var kind = JobKind.valueOf(row.kind());
        var aspect = row.aspectRatio() == null ? RequestRules.DEFAULT_ASPECT_RATIO : row.aspectRatio();
        var size = kind == JobKind.VIDEO ? RequestRules.videoSize(aspect, row.resolution() == null ? RequestRules.DEFAULT_VIDEO_RESOLUTION : row.resolution())
                : RequestRules.IMAGE_SIZES.getOrDefault(aspect, RequestRules.IMAGE_SIZES.get(RequestRules.DEFAULT_ASPECT_RATIO));
        var priority = row.priority() == null ? Priority.INTERACTIVE : Priority.valueOf(row.priority());
        return new JobSpec(row.ownerId(), kind, row.prompt(), aspect, size.width(), size.height(), row.seed(), row.requestedProfile(),
                row.enhance() == null || row.enhance(), priority, row.sourceMediaKey(), row.durationSeconds(), row.resolution(),
                row.maxWaitSeconds());
    }
}
