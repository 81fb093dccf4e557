package com.desayre.gateway.generation;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.RequestRules;
import com.desayre.encoder.core.EncodeRequest;
import com.desayre.encoder.core.EncoderConfig;
import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.history.HistoryRepository;
import com.desayre.gateway.limits.GenerationLimits;
import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.RequestValidator;
import com.desayre.gateway.webhooks.RequestWebhooks;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.groups.Default;
import java.util.List;
import java.util.Optional;
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
import org.springframework.validation.annotation.Validated;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.JsonNodeFactory;

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
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String IMAGE_PART = "image";
    static final int MAX_COUNT = 4;
    /** Form fields that are numbers or booleans in the JSON form of the same request. */
    private static final Set<String> NUMBER_FIELDS = Set.of("seed", "durationSeconds", "n", "maxWaitSeconds");
    private static final Set<String> BOOLEAN_FIELDS = Set.of("enhance");
    /** A source job in one of these keeps no image to start from, even if one was stored before it ended. */
    private static final Set<String> ENDED_WITHOUT_RESULT = Set.of("FAILED", "CANCELLED");

    private final Submissions submissions;
    private final PromptChecks checks;
    private final HistoryRepository history;
    private final Uploads uploads;
    private final MultipartForms forms;
    private final GenerationLimits limits;
    private final RequestValidator validator;
    private final RequestWebhooks webhooks;

    GenerationController(Submissions submissions, PromptChecks checks, HistoryRepository history,
                         Uploads uploads, MultipartForms forms, GenerationLimits limits, RequestValidator validator,
                         RequestWebhooks webhooks) {
        this.webhooks = webhooks;
        this.forms = forms;
        this.limits = limits;
        this.submissions = submissions;
        this.checks = checks;
        this.history = history;
        this.uploads = uploads;
        this.validator = validator;
    }

    @Operation(operationId = "generateImage", summary = "Make images from a prompt",
            description = "Each job moves QUEUED → … → COMPLETED; follow it at `statusUrl` or live at `eventsUrl`. With `n` > 1 that "
                    + "many jobs (with a seed, copy i gets seed + i). Send an Idempotency-Key to make a retry safe.")
    @JobsAccepted
    @SubmissionProblems
    @PostMapping(path = "/image", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<?>> image(@RequestBody @Valid ImageRequest request, CurrentUser user,
                                  @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        var ratio = request.ratio();
        checks.encode(new EncodeRequest(JobKind.IMAGE, request.prompt(), request.styleProfile(), request.enhanced(), ratio, false));
        var size = RequestRules.IMAGE_SIZES.get(ratio);
        var spec = new JobSpec(user.id(), JobKind.IMAGE, request.prompt(), ratio, size.width(), size.height(), request.seed(),
                request.styleProfile(), request.enhanced(), request.lane(), null);
        return webhook(request).flatMap(url -> submit(request.copies(spec), key, "image " + request, url, user, null));
    }

    /** An edit of one of your finished images ({@code sourceJobId}). */
    @Operation(operationId = "generateEdit", summary = "Edit one of your images, or an uploaded one, from a prompt",
            description = "JSON: `sourceJobId` names one of your COMPLETED images. multipart/form-data: the part `image` (PNG, JPEG or "
                    + "WebP) and the other fields as form fields; checked before anything is stored.")
    @JobsAccepted
    @SubmissionProblems
    @PostMapping(path = "/edit", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<?>> edit(@RequestBody @Validated({Default.class, EditRequest.Json.class}) EditRequest request, CurrentUser user,
                                 @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        checkEdit(request);
        return finishedImage(request.sourceJobId(), user)
                .flatMap(source -> webhook(request).flatMap(url -> submit(editSpecs(request, user, source), key, "edit " + request,
                        url, user, null)));
    }

    /** An edit of an image uploaded with the request. */
    @Operation(operationId = "generateEdit")
    @JobsAccepted
    @SubmissionProblems
    @UploadProblems
    @PostMapping(path = "/edit", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Mono<ResponseEntity<?>> editUpload(ServerWebExchange exchange, CurrentUser user,
                                       @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        return forms.withForm(exchange, parts -> {
            var request = fromForm(parts, EditRequest.class);
            checkEdit(request);
            // the limits first (charging nothing), then the decode; the submission stores the upload once admitted,
            // and whatever happens, its temporary file goes
            return webhook(request).flatMap(url -> admissible(user, key, JobKind.EDIT, request.count())
                    .then(Mono.defer(() -> upload(parts, user)))
                    .flatMap(upload -> Mono.defer(() -> submit(editSpecs(request, user, Source.of(upload)),
                            key, "edit " + request + " " + upload.sha256(), url, user, uploads.put(upload)))
                            .doFinally(signal -> uploads.discard(upload))));
        });
    }

    /** Image to video (from one of your finished images, {@code sourceJobId}) or text to video. */
    @Operation(operationId = "generateVideo", summary = "Make a video from a prompt, from one of your images, or from an uploaded one",
            description = "JSON: text to video, or image to video with `sourceJobId`. multipart/form-data: the part `image` is the "
                    + "first frame, the other fields are form fields.")
    @JobsAccepted
    @SubmissionProblems
    @PostMapping(path = "/video", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<?>> video(@RequestBody @Valid VideoRequest request, CurrentUser user,
                                  @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        checkVideo(request, request.sourceJobId() != null);
        var source = request.sourceJobId() == null ? Mono.just(Source.NONE) : finishedImage(request.sourceJobId(), user);
        return source.flatMap(s -> webhook(request).flatMap(url -> submit(videoSpecs(request, user, s), key, "video " + request,
                url, user, null)));
    }

    /** Image to video from an image uploaded with the request. */
    @Operation(operationId = "generateVideo")
    @JobsAccepted
    @SubmissionProblems
    @UploadProblems
    @PostMapping(path = "/video", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Mono<ResponseEntity<?>> videoUpload(ServerWebExchange exchange, CurrentUser user,
                                        @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String key) {
        return forms.withForm(exchange, parts -> {
            var request = fromForm(parts, VideoRequest.class);
            checkVideo(request, true);
            // the limits first (charging nothing), then the decode; the submission stores the upload once admitted,
            // and whatever happens, its temporary file goes
            return webhook(request).flatMap(url -> admissible(user, key, JobKind.VIDEO, request.count())
                    .then(Mono.defer(() -> upload(parts, user)))
                    .flatMap(upload -> Mono.defer(() -> submit(videoSpecs(request, user, Source.of(upload)),
                            key, "video " + request + " " + upload.sha256(), url, user, uploads.put(upload)))
                            .doFinally(signal -> uploads.discard(upload))));
        });
    }

    /** The request's webhookUrl once it passed the URL rule (empty without one): checked before anything is charged. */
    private Mono<Optional<String>> webhook(GenerationBody request) {
        return request.webhookUrl() == null ? Mono.just(Optional.empty()) : webhooks.check(request.webhookUrl()).map(Optional::of);
    }

    /**
     * Submits the jobs; once admitted and before they are published, {@code before} (storing an upload) runs and then the
     * jobs' per-request webhook is registered, so no event of theirs can come before it.
     */
    private Mono<ResponseEntity<?>> submit(List<JobSpec> specs, String key, String request, Optional<String> url, CurrentUser user,
                                           Mono<Void> before) {
        if (url.isEmpty()) {
            return before == null ? submissions.submit(specs, key, request) : submissions.submit(specs, key, request, before);
        }
        var first = before == null ? Mono.<Void>empty() : before;
        return submissions.submit(specs, key, request, jobIds -> first.then(webhooks.register(user.id(), url.get(), jobIds)));
    }

    /** What the encoder says about an edit (a valid request may still ask for a profile or option the model lacks). */
    private void checkEdit(EditRequest request) {
        checks.encode(new EncodeRequest(JobKind.EDIT, request.prompt(), request.styleProfile(), request.enhanced(),
                request.aspectRatio() == null ? RequestRules.DEFAULT_ASPECT_RATIO : request.aspectRatio(), true));
    }

    private void checkVideo(VideoRequest request, boolean fromImage) {
        checks.encode(new EncodeRequest(JobKind.VIDEO, request.prompt(), request.styleProfile(), request.enhanced(), request.ratio(),
                fromImage));
    }

    private static List<JobSpec> editSpecs(EditRequest request, CurrentUser user, Source source) {
        var ratio = request.aspectRatio() != null ? request.aspectRatio()
                : closestRatio(source.width, source.height, EncoderConfig.GROK_RATIOS);
        var size = RequestRules.IMAGE_SIZES.get(ratio);
        return request.copies(new JobSpec(user.id(), JobKind.EDIT, request.prompt(), ratio, size.width(), size.height(), request.seed(),
                request.styleProfile(), request.enhanced(), request.lane(), source.key));
    }

    private static List<JobSpec> videoSpecs(VideoRequest request, CurrentUser user, Source source) {
        var size = RequestRules.videoSize(request.ratio(), request.frames());
        return request.copies(new JobSpec(user.id(), JobKind.VIDEO, request.prompt(), request.ratio(), size.width(), size.height(),
                request.seed(), request.styleProfile(), request.enhanced(), request.lane(), source.key, request.seconds(),
                request.frames()));
    }

    /** The stored image an edit or a video starts from; {@code sha} identifies an upload for idempotency. */
    private record Source(String key, int width, int height, String sha) {
        static final Source NONE = new Source(null, 0, 0, "");

        static Source of(Uploads.Checked upload) {
            return new Source(upload.key(), upload.width(), upload.height(), upload.sha256());
        }
    }

    /**
     * The first image output of one of the caller's finished image or edit jobs. Its stored image decides, not the
     * history's status: storage-sink records the media before it says COMPLETED, and the history's status projection
     * may still be a poll behind the status the caller was just shown (a stack-it edit was refused that way).
     */
    private Mono<Source> finishedImage(String sourceJobId, CurrentUser user) {
        var notUsable = ApiProblem.invalid(List.of(new ApiProblem.FieldError("sourceJobId",
                "'" + sourceJobId + "' is not a finished image of yours. Pass the jobId of a COMPLETED image or edit job.")));
        return history.job(sourceJobId)
                .filter(row -> user.maySee(row.ownerId()) && !ENDED_WITHOUT_RESULT.contains(row.status()) && !"VIDEO".equals(row.kind()))
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
     * The request a multipart form's fields make: the same record, read and checked by the same rules as its JSON form
     * (the form's numbers and booleans read as the JSON ones where they parse, and refused by name where they don't).
     * The source is the part {@code image}, so {@code sourceJobId} is not a form field.
     */
    private <T> T fromForm(MultiValueMap<String, Part> parts, Class<T> type) {
        var body = JsonNodeFactory.instance.objectNode();
        parts.forEach((name, values) -> {
            if (name.equals(IMAGE_PART)) {
                return;
            }
            if (values.size() != 1 || !(values.get(0) instanceof FormFieldPart field)) {
                throw ApiProblem.invalid(List.of(new ApiProblem.FieldError(name, "'" + name + "' must be a single form field.")));
            }
            if (name.equals("sourceJobId")) {
                throw ApiProblem.invalid(List.of(new ApiProblem.FieldError(name, "'sourceJobId' is for a JSON request: a multipart "
                        + "request starts from the image it uploads (part 'image').")));
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
        var request = RequestValidator.read(body, type);
        validator.check(request, List.of());
        return request;
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
