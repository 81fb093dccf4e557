package com.desayre.gateway;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.Priority;
import com.desayre.encoder.core.EncodeRequest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
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
    private static final Set<String> IMAGE_FIELDS = Set.of("prompt", "aspectRatio", "seed", "styleProfile", "enhance", "priority");
    private static final Set<String> VIDEO_FIELDS = Set.of("prompt", "sourceJobId", "aspectRatio", "durationSeconds",
            "resolution", "seed", "styleProfile", "enhance", "priority");
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final int MAX_VIDEO_SECONDS = 15;
    static final int DEFAULT_VIDEO_SECONDS = 6;

    private final Submissions submissions;
    private final GatewaySettings settings;
    private final PromptChecks checks;
    private final HistoryRepository history;

    GenerationController(Submissions submissions, GatewaySettings settings, PromptChecks checks, HistoryRepository history) {
        this.submissions = submissions;
        this.settings = settings;
        this.checks = checks;
        this.history = history;
    }

    @PostMapping("/image")
    Mono<ResponseEntity<Submissions.Accepted>> image(@RequestBody JsonNode body, CurrentUser user,
                                                     @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        return submissions.submit(imageSpec(body, user), key, "image " + body);
    }

    /** Image to video (from one of your finished images, {@code sourceJobId}) or text to video. */
    @PostMapping("/video")
    Mono<ResponseEntity<Submissions.Accepted>> video(@RequestBody JsonNode body, CurrentUser user,
                                                     @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        var fields = new RequestFields(body, VIDEO_FIELDS);
        var prompt = fields.requiredText("prompt", settings.maxPromptLength(), "describe the motion or scene you want.");
        var sourceJobId = fields.optionalText("sourceJobId");
        var aspectRatio = fields.optionalText("aspectRatio");
        aspectRatio = aspectRatio == null ? "16:9" : aspectRatio;
        var duration = fields.optionalNonNegativeLong("durationSeconds");
        if (duration != null && (duration < 1 || duration > MAX_VIDEO_SECONDS)) {
            fields.reject("durationSeconds", "'durationSeconds' must be between 1 and " + MAX_VIDEO_SECONDS + ".");
        }
        var resolution = fields.optionalChoice("resolution", List.of("480p", "720p"), "720p");
        var seed = fields.optionalNonNegativeLong("seed");
        var styleProfile = fields.optionalText("styleProfile");
        var enhance = fields.optionalBoolean("enhance", true);
        var priority = priority(fields);
        fields.throwIfInvalid();
        checks.encode(new EncodeRequest(JobKind.VIDEO, prompt, styleProfile, enhance, aspectRatio, sourceJobId != null));
        var size = VideoSizes.of(aspectRatio, resolution);
        var seconds = duration == null ? DEFAULT_VIDEO_SECONDS : duration.intValue();
        var ratio = aspectRatio;
        return source(sourceJobId, user)
                .map(sourceKey -> new JobSpec(user.id(), JobKind.VIDEO, prompt, ratio, size[0], size[1], seed, styleProfile,
                        enhance, priority, sourceKey.isEmpty() ? null : sourceKey, seconds, resolution))
                .flatMap(spec -> submissions.submit(spec, key, "video " + body));
    }

    /** The stored image a video starts from: the first output of one of the caller's finished image jobs. */
    private Mono<String> source(String sourceJobId, CurrentUser user) {
        if (sourceJobId == null) {
            return Mono.just("");
        }
        var notUsable = ApiProblem.invalid(List.of(new ApiProblem.FieldError("sourceJobId",
                "'" + sourceJobId + "' is not a finished image of yours. Pass the jobId of a COMPLETED image job.")));
        return history.job(sourceJobId)
                .filter(row -> user.maySee(row.ownerId()) && "COMPLETED".equals(row.status()) && !"VIDEO".equals(row.kind()))
                .flatMap(row -> history.media(List.of(sourceJobId)))
                .mapNotNull(media -> media.getOrDefault(sourceJobId, List.of()).stream()
                        .filter(m -> m.mimeType().startsWith("image/")).map(HistoryRepository.MediaRow::key).findFirst().orElse(null))
                .switchIfEmpty(Mono.error(notUsable));
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
        var priority = priority(fields);
        fields.throwIfInvalid();
        checks.encode(new EncodeRequest(JobKind.IMAGE, prompt, styleProfile, enhance, aspectRatio, false));
        var size = AspectRatios.SIZES.get(aspectRatio);
        return new JobSpec(user.id(), JobKind.IMAGE, prompt, aspectRatio, size[0], size[1], seed, styleProfile,
                enhance, priority, null);
    }

    private static Priority priority(RequestFields fields) {
        return Priority.valueOf(fields.optionalChoice("priority", List.of("interactive", "batch"), "interactive")
                .toUpperCase(Locale.ROOT));
    }
}
