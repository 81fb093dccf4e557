package com.desayre.gateway.generation;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.Priority;
import com.desayre.contracts.RequestRules;
import com.desayre.encoder.core.EncodeRequest;
import com.desayre.encoder.core.EncoderConfig;
import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.history.HistoryRepository;
import com.desayre.gateway.limits.GenerationLimits;
import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.RequestFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Takes generation requests. Answers 202 only after Kafka acknowledged the job (a list of jobs
 * for {@code n} > 1); bad input is a 400 naming each wrong field (422 for a prompt the content
 * policy refuses), and nothing is published for it.
 *
 * <p>Edits and videos start from a source image: one of the caller's finished images
 * ({@code sourceJobId}, JSON) or an image uploaded with the request (multipart, part {@code image},
 * the other fields as form fields). Remote URLs are never accepted: the gateway fetches nothing on
 * a user's behalf.
 */
@RestController
@RequestMapping("/api/generate")
public class GenerationController {
    public static final Set<String> IMAGE_FIELDS = Set.of("prompt", "aspectRatio", "seed", "styleProfile", "enhance", "priority", "n",
            "maxWaitSeconds");
    public static final Set<String> EDIT_FIELDS = Set.of("prompt", "sourceJobId", "aspectRatio", "seed", "styleProfile",
            "enhance", "priority", "n", "maxWaitSeconds");
    public static final Set<String> VIDEO_FIELDS = Set.of("prompt", "sourceJobId", "aspectRatio", "durationSeconds",
            "resolution", "seed", "styleProfile", "enhance", "priority", "n", "maxWaitSeconds");
    /** Form fields that are numbers or booleans in the JSON form of the same request. */
    private static final Set<String> NUMBER_FIELDS = Set.of("seed", "durationSeconds", "n", "maxWaitSeconds");
    private static final Set<String> BOOLEAN_FIELDS = Set.of("enhance");
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String IMAGE_PART = "image";
    static final int DEFAULT_VIDEO_SECONDS = 6;
    static final int MAX_COUNT = 4;

    private final Submissions submissions;
    private final PromptChecks checks;
    private final HistoryRepository history;
    private final Uploads uploads;
    private final MultipartForms forms;
    private final GenerationLimits limits;

    GenerationController(Submissions submissions, PromptChecks checks, HistoryRepository history,
                         Uploads uploads, MultipartForms forms, GenerationLimits limits) {
        this.forms = forms;
        this.limits = limits;
        this.submissions = submissions;
        this.checks = checks;
        this.history = history;
        this.uploads = uploads;
    }

    @PostMapping(path = "/image", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<?>> image(@RequestBody JsonNode body, CurrentUser user,
                                  @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        var fields = new RequestFields(body, IMAGE_FIELDS);
        var common = common(fields, "describe the image you want.");
        var aspectRatio = fields.optionalText("aspectRatio");
        aspectRatio = aspectRatio == null ? RequestRules.DEFAULT_ASPECT_RATIO : aspectRatio;
        if (!RequestRules.IMAGE_SIZES.containsKey(aspectRatio)) {
            fields.reject("aspectRatio", "'" + aspectRatio + "' is not a supported aspect ratio. Use one of: "
                    + String.join(", ", RequestRules.IMAGE_SIZES.keySet()) + ".");
        }
        fields.throwIfInvalid();
        checks.encode(new EncodeRequest(JobKind.IMAGE, common.prompt, common.styleProfile, common.enhance, aspectRatio, false));
        var size = RequestRules.IMAGE_SIZES.get(aspectRatio);
        var spec = new JobSpec(user.id(), JobKind.IMAGE, common.prompt, aspectRatio, size.width(), size.height(), common.seed,
                common.styleProfile, common.enhance, common.priority, null);
        return submissions.submit(common.copies(spec), key, "image " + body);
    }

    /** An edit of one of your finished images ({@code sourceJobId}). */
    @PostMapping(path = "/edit", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<?>> edit(@RequestBody JsonNode body, CurrentUser user,
                                 @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        var fields = new RequestFields(body, EDIT_FIELDS);
        var sourceJobId = fields.optionalText("sourceJobId");
        if (sourceJobId == null) {
            fields.reject("sourceJobId", "'sourceJobId' is required: the jobId of a finished image of yours "
                    + "(or upload the image as multipart/form-data, part 'image').");
        }
        var request = editRequest(fields);
        return finishedImage(sourceJobId, user)
                .flatMap(source -> submissions.submit(request.specs(user, source), key, "edit " + body));
    }

    /** An edit of an image uploaded with the request. */
    @PostMapping(path = "/edit", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Mono<ResponseEntity<?>> editUpload(ServerWebExchange exchange, CurrentUser user,
                                       @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        return forms.withForm(exchange, parts -> {
            var form = form(parts, EDIT_FIELDS);
            var request = editRequest(new RequestFields(form, EDIT_FIELDS));
            // the limits first (charging nothing), then the decode; the submission stores the upload once admitted,
            // and whatever happens, its temporary file goes
            return admissible(user, key, JobKind.EDIT, request.common().count()).then(Mono.defer(() -> upload(parts, user))).flatMap(upload -> Mono.defer(() -> submissions.submit(request.specs(user, Source.of(upload)),
                    key, "edit " + form + " " + upload.sha256(), uploads.put(upload))).doFinally(signal -> uploads.discard(upload)));
        });
    }

    /** Image to video (from one of your finished images, {@code sourceJobId}) or text to video. */
    @PostMapping(path = "/video", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<?>> video(@RequestBody JsonNode body, CurrentUser user,
                                  @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        var fields = new RequestFields(body, VIDEO_FIELDS);
        var sourceJobId = fields.optionalText("sourceJobId");
        var request = videoRequest(fields, sourceJobId != null);
        var source = sourceJobId == null ? Mono.just(Source.NONE) : finishedImage(sourceJobId, user);
        return source.flatMap(s -> submissions.submit(request.specs(user, s), key, "video " + body));
    }

    /** Image to video from an image uploaded with the request. */
    @PostMapping(path = "/video", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Mono<ResponseEntity<?>> videoUpload(ServerWebExchange exchange, CurrentUser user,
                                        @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        return forms.withForm(exchange, parts -> {
            var form = form(parts, VIDEO_FIELDS);
            var request = videoRequest(new RequestFields(form, VIDEO_FIELDS), true);
            // the limits first (charging nothing), then the decode; the submission stores the upload once admitted,
            // and whatever happens, its temporary file goes
            return admissible(user, key, JobKind.VIDEO, request.common().count()).then(Mono.defer(() -> upload(parts, user))).flatMap(upload -> Mono.defer(() -> submissions.submit(request.specs(user, Source.of(upload)),
                    key, "video " + form + " " + upload.sha256(), uploads.put(upload))).doFinally(signal -> uploads.discard(upload)));
        });
    }

    /** What every kind of request shares. */
    private record Common(String prompt, Long seed, String styleProfile, boolean enhance, Priority priority, int count,
                          Integer maxWaitSeconds) {
        /**
         * {@code count} jobs of the spec, each with the request's limit on waiting; with a seed, each copy gets the
         * next one, so the set is repeatable yet varied.
         */
        List<JobSpec> copies(JobSpec spec) {
            var specs = new ArrayList<JobSpec>(count);
            for (int i = 0; i < count; i++) {
                specs.add(new JobSpec(spec.ownerId(), spec.kind(), spec.prompt(), spec.aspectRatio(), spec.width(), spec.height(),
                        seed == null ? null : seed + i, spec.styleProfile(), spec.enhance(), spec.priority(),
                        spec.sourceMediaKey(), spec.durationSeconds(), spec.resolution(), maxWaitSeconds));
            }
            return specs;
        }
    }

    private Common common(RequestFields fields, String promptHint) {
        var prompt = prompt(fields, promptHint);
        var seed = fields.optionalNonNegativeLong("seed");
        var styleProfile = fields.optionalText("styleProfile");
        var enhance = fields.optionalBoolean("enhance", true);
        var priority = Priority.valueOf(fields.optionalChoice("priority", List.of("interactive", "batch"), "interactive")
                .toUpperCase(Locale.ROOT));
        var n = fields.optionalNonNegativeLong("n");
        if (n != null && (n < 1 || n > MAX_COUNT)) {
            fields.reject("n", "'n' must be between 1 and " + MAX_COUNT + ".");
        }
        var maxWait = fields.optionalNonNegativeLong("maxWaitSeconds");
        if (maxWait != null && (maxWait < 1 || maxWait > RequestRules.MAX_WAIT_SECONDS)) {
            fields.reject("maxWaitSeconds", "'maxWaitSeconds' must be between 1 and " + RequestRules.MAX_WAIT_SECONDS + " (a day): how long "
                    + "the job may wait in line for the provider before it ends EXPIRED_IN_QUEUE. Leave it out to wait as long as it takes.");
            maxWait = null;
        }
        return new Common(prompt, seed, styleProfile, enhance, priority, n == null || n < 1 || n > MAX_COUNT ? 1 : n.intValue(),
                maxWait == null ? null : maxWait.intValue());
    }

    /**
     * The prompt by {@link RequestRules} (prompt-encoder holds a record on the topic to the same rules):
     * required, at most {@link RequestRules#MAX_PROMPT_LENGTH} characters, no control characters but line breaks (LF, CR) and tab.
     */
    static String prompt(RequestFields fields, String hint) {
        var prompt = fields.optionalText("prompt");
        var problem = RequestRules.promptProblem(prompt);
        if (problem == null) {
            return prompt;
        }
        fields.reject("prompt", "'prompt' " + problem + (prompt == null || prompt.isBlank() ? ": " + hint : "."));
        return null;
    }

    /** An edit request, checked; its specs need the source image. */
    private record EditRequest(Common common, String aspectRatio) {
        List<JobSpec> specs(CurrentUser user, Source source) {
            var ratio = aspectRatio != null ? aspectRatio : closestRatio(source.width, source.height, EncoderConfig.GROK_RATIOS);
            var size = RequestRules.IMAGE_SIZES.get(ratio);
            return common.copies(new JobSpec(user.id(), JobKind.EDIT, common.prompt, ratio, size.width(), size.height(), common.seed,
                    common.styleProfile, common.enhance, common.priority, source.key));
        }
    }

    private EditRequest editRequest(RequestFields fields) {
        var common = common(fields, "say what to change in the image.");
        var aspectRatio = fields.optionalText("aspectRatio");
        if (aspectRatio != null && !EncoderConfig.GROK_RATIOS.contains(aspectRatio)) {
            fields.reject("aspectRatio", "'" + aspectRatio + "' is not an aspect ratio edits support. Use one of: "
                    + String.join(", ", EncoderConfig.GROK_RATIOS) + ", or leave it out to keep the source's shape.");
        }
        fields.throwIfInvalid();
        checks.encode(new EncodeRequest(JobKind.EDIT, common.prompt, common.styleProfile, common.enhance,
                aspectRatio == null ? "1:1" : aspectRatio, true));
        return new EditRequest(common, aspectRatio);
    }

    private record VideoRequest(Common common, String aspectRatio, int seconds, String resolution) {
        List<JobSpec> specs(CurrentUser user, Source source) {
            var size = RequestRules.videoSize(aspectRatio, resolution);
            return common.copies(new JobSpec(user.id(), JobKind.VIDEO, common.prompt, aspectRatio, size.width(), size.height(), common.seed,
                    common.styleProfile, common.enhance, common.priority, source.key, seconds, resolution));
        }
    }

    private VideoRequest videoRequest(RequestFields fields, boolean fromImage) {
        var common = common(fields, "describe the motion or scene you want.");
        var aspectRatio = fields.optionalText("aspectRatio");
        aspectRatio = aspectRatio == null ? "16:9" : aspectRatio;
        var duration = fields.optionalNonNegativeLong("durationSeconds");
        if (duration != null && (duration < RequestRules.MIN_VIDEO_SECONDS || duration > RequestRules.MAX_VIDEO_SECONDS)) {
            fields.reject("durationSeconds", "'durationSeconds' must be between " + RequestRules.MIN_VIDEO_SECONDS + " and "
                    + RequestRules.MAX_VIDEO_SECONDS + ".");
        }
        var resolution = fields.optionalChoice("resolution", RequestRules.VIDEO_RESOLUTIONS, "720p");
        fields.throwIfInvalid();
        checks.encode(new EncodeRequest(JobKind.VIDEO, common.prompt, common.styleProfile, common.enhance, aspectRatio, fromImage));
        return new VideoRequest(common, aspectRatio, duration == null ? DEFAULT_VIDEO_SECONDS : duration.intValue(), resolution);
    }

    /** The stored image an edit or a video starts from; {@code sha} identifies an upload for idempotency. */
    private record Source(String key, int width, int height, String sha) {
        static final Source NONE = new Source(null, 0, 0, "");

        static Source of(Uploads.Checked upload) {
            return new Source(upload.key(), upload.width(), upload.height(), upload.sha256());
        }
    }

    /** The first image output of one of the caller's finished image or edit jobs. */
    private Mono<Source> finishedImage(String sourceJobId, CurrentUser user) {
        var notUsable = ApiProblem.invalid(List.of(new ApiProblem.FieldError("sourceJobId",
                "'" + sourceJobId + "' is not a finished image of yours. Pass the jobId of a COMPLETED image or edit job.")));
        return history.job(sourceJobId)
                .filter(row -> user.maySee(row.ownerId()) && "COMPLETED".equals(row.status()) && !"VIDEO".equals(row.kind()))
                .flatMap(row -> history.media(List.of(sourceJobId)))
                .mapNotNull(media -> media.getOrDefault(sourceJobId, List.of()).stream()
                        .filter(m -> m.mimeType().startsWith("image/"))
                        .map(m -> new Source(m.key(), m.width(), m.height(), sourceJobId)).findFirst().orElse(null))
                .switchIfEmpty(Mono.error(notUsable));
    }

    /**
     * Refuses, before an upload is decoded (up to ~1.5 s and 130 MB for a large image), a request the limits would refuse
     * anyway: a dry run that charges nothing ({@link GenerationLimits#precheck}); the submission charges it afterwards.
     * A retry with an Idempotency-Key already seen is let through: it may be the replay of an accepted request, which
     * is answered its jobs and never charged.
     */
    private Mono<Void> admissible(CurrentUser user, String idempotencyKey, JobKind kind, int count) {
        var cost = limits.settings().cost(kind, count);
        var seen = idempotencyKey == null ? Mono.just(false) : submissions.seen(user.id(), idempotencyKey);
        return seen.flatMap(known -> known ? Mono.<Void>empty() : limits.precheck(user.id(), cost, count));
    }

    /** The uploaded image, checked but not stored: it is stored once the request is admitted. */
    private Mono<Uploads.Checked> upload(MultiValueMap<String, Part> parts, CurrentUser user) {
        var files = parts.getOrDefault(IMAGE_PART, List.of());
        if (files.size() != 1 || !(files.get(0) instanceof FilePart file)) {
            return Mono.error(ApiProblem.invalid(List.of(new ApiProblem.FieldError(IMAGE_PART,
                    "Attach exactly one image file as the multipart part 'image' (PNG, JPEG or WebP)."))));
        }
        return uploads.check(user.id(), file);
    }

    /**
     * The form fields of a multipart request as the JSON object the same request would send, so
     * one set of checks serves both: numbers and booleans are converted where they parse, and
     * left as text (and then rejected by name) where they don't.
     */
    private static ObjectNode form(MultiValueMap<String, Part> parts, Set<String> known) {
        var body = JsonNodeFactory.instance.objectNode();
        parts.forEach((name, values) -> {
            if (name.equals(IMAGE_PART)) {
                return;
            }
            if (values.size() != 1 || !(values.get(0) instanceof FormFieldPart field)) {
                throw ApiProblem.invalid(List.of(new ApiProblem.FieldError(name, "'" + name + "' must be a single form field.")));
            }
            var value = field.value();
            if (NUMBER_FIELDS.contains(name) && value.matches("\\d{1,18}")) {
                body.put(name, Long.parseLong(value));
            } else if (BOOLEAN_FIELDS.contains(name) && (value.equals("true") || value.equals("false"))) {
                body.put(name, Boolean.parseBoolean(value));
            } else {
                body.put(name, value);
            }
        });
        return body;
    }

    /** The supported ratio nearest the source's shape (compared as logarithms, so 2:1 and 1:2 are equally far from 1:1). */
    static String closestRatio(int width, int height, List<String> ratios) {
        if (width <= 0 || height <= 0) {
            return "1:1";
        }
        double target = Math.log((double) width / height);
        String best = ratios.get(0);
        double bestDistance = Double.MAX_VALUE;
        for (var ratio : ratios) {
            var parts = ratio.split(":");
            double distance = Math.abs(Math.log(Double.parseDouble(parts[0]) / Double.parseDouble(parts[1])) - target);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = ratio;
            }
        }
        return best;
    }
}
