package com.desayre.contracts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * What a job request must be, wherever it comes in: the gateway checks a REST request with these
 * rules and prompt-encoder checks every record on {@link Topics#REQUESTED} with the same ones (an
 * integration may publish there directly). Deterministic and without I/O: whether the owner's account
 * exists and is enabled is the caller's question.
 *
 * <p>A refused record ends its job FAILED with {@link JobError#INVALID_REQUEST} (the REST door's
 * {@code /problems/invalid-request}) when it has a usable job id and owner, and goes to
 * {@code generation.requested.dlq} either way.
 */
public final class RequestRules {
    /** The longest prompt, in characters (UTF-16 code units, as Java and JavaScript count them). */
    public static final int MAX_PROMPT_LENGTH = 4000;
    public static final int MIN_VIDEO_SECONDS = 1;
    public static final int MAX_VIDEO_SECONDS = 15;
    public static final String RESOLUTION_480P = "480p";
    public static final String RESOLUTION_720P = "720p";
    public static final List<String> VIDEO_RESOLUTIONS = List.of(RESOLUTION_480P, RESOLUTION_720P);
    /**
     * A video's length and resolution when its request names none, wherever it comes in (the gateway, a record published
     * straight to the topic, a retry of a job stored without them, the stats' price): xAI's own defaults, so a job
     * that names nothing costs and looks the same by every door, and the cheapest choice (see docs/providers.md §2.4).
     */
    public static final int DEFAULT_VIDEO_SECONDS = 8;
    public static final String DEFAULT_VIDEO_RESOLUTION = RESOLUTION_480P;
    /** The longest a request may ask to wait for a place at the provider ({@link JobSpec#maxWaitSeconds()}): a day. */
    public static final int MAX_WAIT_SECONDS = 86_400;
    public static final int MAX_OWNER_ID_LENGTH = 128;
    public static final int MAX_STYLE_PROFILE_LENGTH = 64;

    /** The aspect ratios a job may ask for and the pixel size an image or edit of each is (Nano Banana Pro's 1K sizes). */
    public static final Map<String, Size> IMAGE_SIZES;

    static {
        var sizes = new LinkedHashMap<String, Size>();
        sizes.put("1:1", new Size(1024, 1024));
        sizes.put("2:3", new Size(848, 1264));
        sizes.put("3:2", new Size(1264, 848));
        sizes.put("3:4", new Size(896, 1200));
        sizes.put("4:3", new Size(1200, 896));
        sizes.put("4:5", new Size(928, 1152));
        sizes.put("5:4", new Size(1152, 928));
        sizes.put("9:16", new Size(768, 1376));
        sizes.put("16:9", new Size(1376, 768));
        sizes.put("21:9", new Size(1584, 672));
        IMAGE_SIZES = Collections.unmodifiableMap(sizes);
    }

    public static final String DEFAULT_ASPECT_RATIO = "1:1";

    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /**
     * Where an edit's or a video's source image may be: a user's upload ({@code uploads/<owner>/<sha256>.png},
     * the gateway's {@code Uploads}) or a finished job's output ({@code <jobId>/<n>.<ext>}, storage-sink's keys).
     */
    private static final Pattern SOURCE_KEY = Pattern.compile(
            "uploads/[A-Za-z0-9._-]{1,128}/[0-9a-f]{64}\\.png|" + UUID.pattern() + "/[0-9]{1,3}\\.(png|jpg|webp)");

    public record Size(int width, int height) {
    }

    /** One thing wrong with a request: the field (a JSON path such as {@code spec.prompt}) and a sentence. */
    public record Violation(String field, String message) {
        @Override
        public String toString() {
            return field.isEmpty() ? message : field + ": " + message;
        }
    }

    /**
     * A record of {@link Topics#REQUESTED} as read: the request when it is valid, else what is wrong
     * and whatever identifies the job (each null when the record did not say, or said it unusably).
     */
    public record Reading(@Nullable GenerationRequested request, List<Violation> violations, @Nullable String jobId,
                          @Nullable String ownerId, @Nullable JobKind kind) {
        public boolean valid() {
            return violations.isEmpty();
        }

        /** Whether a FAILED status can be published for it: a job id that is a UUID and an owner to tell. */
        public boolean tellable() {
            return jobId != null && ownerId != null && kind != null;
        }

        /** Every violation in one sentence, for a job's error message and a dead letter's header. */
        public String summary() {
            var text = new StringBuilder("The request was refused: ");
            for (int i = 0; i < violations.size(); i++) {
                text.append(i == 0 ? "" : "; ").append(violations.get(i));
            }
            return text.append('.').toString();
        }
    }

    /** Reads and checks one record value (null for a tombstone). Never throws. */
    public static Reading read(byte @Nullable [] value) {
        if (value == null || value.length == 0) {
            return refused(List.of(new Violation("", value == null ? "a tombstone (null value) is not a request"
                    : "the record is empty")), null, null, null);
        }
        JsonNode tree;
        try {
            tree = EventJson.mapper().readTree(value);
        } catch (JacksonException e) {
            return refused(List.of(new Violation("", "the record is not JSON")), null, null, null);
        }
        if (tree == null || !tree.isObject()) {
            return refused(List.of(new Violation("", "the record is not a JSON object")), null, null, null);
        }
        // what identifies the job, read field by field so a FAILED can be said even when binding fails
        var jobId = text(tree.get("jobId"));
        var spec = tree.get("spec");
        var ownerId = spec == null ? null : text(spec.get("ownerId"));
        var kind = spec == null ? null : kind(text(spec.get("kind")));
        var usableJobId = jobId != null && isJobId(jobId) ? jobId : null;
        var usableOwner = ownerId != null && ownerProblem(ownerId) == null ? ownerId : null;
        GenerationRequested request;
        try {
            request = EventJson.mapper().treeToValue(tree, GenerationRequested.class);
        } catch (JacksonException e) {
            return refused(List.of(new Violation(path(e), "has the wrong type or an unknown value")), usableJobId, usableOwner, kind);
        }
        var violations = check(request);
        return violations.isEmpty() ? new Reading(request, List.of(), jobId, ownerId, kind)
                : refused(violations, usableJobId, usableOwner, kind);
    }

    /** What is wrong with a request record; empty when it is valid. */
    public static List<Violation> check(GenerationRequested request) {
        var violations = new ArrayList<Violation>();
        if (request.jobId() == null || !isJobId(request.jobId())) {
            violations.add(new Violation("jobId", "must be a UUID such as 3f2b8c1e-7d4a-4e9b-a1c2-5d6e7f8a9b0c"));
        }
        if (request.eventId() == null || request.eventId().isBlank() || request.eventId().length() > 100) {
            violations.add(new Violation("eventId", "is required (at most 100 characters)"));
        }
        if (request.occurredAt() == null) {
            violations.add(new Violation("occurredAt", "is required (an ISO-8601 instant)"));
        }
        if (request.spec() == null) {
            violations.add(new Violation("spec", "is required"));
        } else {
            check(request.spec(), "spec.", violations);
        }
        return violations;
    }

    /** What is wrong with a spec; {@code prefix} goes before each field name ({@code "spec."} on a record, {@code ""} at the door). */
    public static void check(JobSpec spec, String prefix, List<Violation> violations) {
        if (spec.ownerId() == null) {
            violations.add(new Violation(prefix + "ownerId", "is required"));
        } else {
            var owner = ownerProblem(spec.ownerId());
            if (owner != null) {
                violations.add(new Violation(prefix + "ownerId", owner));
            }
        }
        if (spec.kind() == null) {
            violations.add(new Violation(prefix + "kind", "is required: IMAGE, EDIT or VIDEO"));
        }
        if (spec.priority() == null) {
            violations.add(new Violation(prefix + "priority", "is required: INTERACTIVE or BATCH"));
        }
        var prompt = promptProblem(spec.prompt());
        if (prompt != null) {
            violations.add(new Violation(prefix + "prompt", prompt));
        }
        if (spec.seed() != null && spec.seed() < 0) {
            violations.add(new Violation(prefix + "seed", "must be 0 or more"));
        }
        if (spec.styleProfile() != null && (spec.styleProfile().isBlank() || spec.styleProfile().length() > MAX_STYLE_PROFILE_LENGTH
                || hasControl(spec.styleProfile(), false))) {
            violations.add(new Violation(prefix + "styleProfile", "must be a profile name of at most " + MAX_STYLE_PROFILE_LENGTH
                    + " characters, or null for the default"));
        }
        if (spec.maxWaitSeconds() != null && (spec.maxWaitSeconds() < 1 || spec.maxWaitSeconds() > MAX_WAIT_SECONDS)) {
            violations.add(new Violation(prefix + "maxWaitSeconds", "must be between 1 and " + MAX_WAIT_SECONDS + ", or null"));
        }
        checkSource(spec, prefix, violations);
        checkSize(spec, prefix, violations);
    }

    /**
     * Why a prompt is refused, or null when it is fine: required, at most {@link #MAX_PROMPT_LENGTH}, no control characters
     * but line breaks (LF, and the CR of a CRLF that a form or a Windows client sends) and tab.
     */
    public static @Nullable String promptProblem(@Nullable String prompt) {
        if (prompt == null || prompt.isBlank()) {
            return "is required";
        }
        if (prompt.length() > MAX_PROMPT_LENGTH) {
            return "is " + prompt.length() + " characters; the limit is " + MAX_PROMPT_LENGTH;
        }
        if (hasControl(prompt, true)) {
            return "must not contain control characters (such as NUL) other than line breaks and tab";
        }
        return null;
    }

    /** Whether a job id is a UUID: job ids go into storage keys, URLs and provider requests. */
    public static boolean isJobId(@Nullable String jobId) {
        return jobId != null && UUID.matcher(jobId).matches();
    }

    /** Whether a key names where a source image may be stored (no other path, no traversal). */
    public static boolean isSourceKey(@Nullable String key) {
        return key != null && SOURCE_KEY.matcher(key).matches() && !key.contains("/./") && !key.contains("/../");
    }

    /**
     * A video's frame size from its aspect ratio and resolution: the short side is the resolution's
     * height, the long side rounded to an even number (video encoders want them).
     */
    public static Size videoSize(String aspectRatio, String resolution) {
        var shortSide = "480p".equals(resolution) ? 480 : 720;
        var parts = aspectRatio.split(":");
        var w = Integer.parseInt(parts[0]);
        var h = Integer.parseInt(parts[1]);
        return w >= h ? new Size(even(shortSide * w / (double) h), shortSide) : new Size(shortSide, even(shortSide * h / (double) w));
    }

    private static void checkSource(JobSpec spec, String prefix, List<Violation> violations) {
        var key = spec.sourceMediaKey();
        if (spec.kind() == JobKind.IMAGE && key != null) {
            violations.add(new Violation(prefix + "sourceMediaKey", "must be null for an IMAGE (an edit or a video starts from one)"));
        } else if (spec.kind() == JobKind.EDIT && key == null) {
            violations.add(new Violation(prefix + "sourceMediaKey", "is required for an EDIT"));
        } else if (key != null && !isSourceKey(key)) {
            violations.add(new Violation(prefix + "sourceMediaKey",
                    "must be an uploaded image (uploads/<owner>/<sha256>.png) or a finished job's output (<jobId>/<n>.png)"));
        }
    }

    private static void checkSize(JobSpec spec, String prefix, List<Violation> violations) {
        if (spec.aspectRatio() == null || !IMAGE_SIZES.containsKey(spec.aspectRatio())) {
            violations.add(new Violation(prefix + "aspectRatio", "must be one of " + String.join(", ", IMAGE_SIZES.keySet())));
            return;
        }
        if (spec.kind() == JobKind.VIDEO) {
            if (spec.durationSeconds() != null && (spec.durationSeconds() < MIN_VIDEO_SECONDS || spec.durationSeconds() > MAX_VIDEO_SECONDS)) {
                violations.add(new Violation(prefix + "durationSeconds", "must be between " + MIN_VIDEO_SECONDS + " and "
                        + MAX_VIDEO_SECONDS + ", or null for the default"));
            }
            if (spec.resolution() != null && !VIDEO_RESOLUTIONS.contains(spec.resolution())) {
                violations.add(new Violation(prefix + "resolution", "must be one of " + String.join(", ", VIDEO_RESOLUTIONS)
                        + ", or null for the default"));
                return;
            }
            var sizes = (spec.resolution() == null ? VIDEO_RESOLUTIONS : List.of(spec.resolution())).stream()
                    .map(resolution -> videoSize(spec.aspectRatio(), resolution)).toList();
            if (!sizes.contains(new Size(spec.width(), spec.height()))) {
                violations.add(new Violation(prefix + "width", "and height must be " + sizes.stream()
                        .map(s -> s.width() + "x" + s.height()).reduce((a, b) -> a + " or " + b).orElse("") + " for "
                        + spec.aspectRatio() + (spec.resolution() == null ? "" : " at " + spec.resolution())));
            }
            return;
        }
        if (spec.durationSeconds() != null || spec.resolution() != null) {
            violations.add(new Violation(prefix + "durationSeconds", "and resolution are for videos only"));
        }
        var size = IMAGE_SIZES.get(spec.aspectRatio());
        if (spec.width() != size.width() || spec.height() != size.height()) {
            violations.add(new Violation(prefix + "width", "and height must be " + size.width() + "x" + size.height() + " for "
                    + spec.aspectRatio()));
        }
    }

    private static @Nullable String ownerProblem(String ownerId) {
        if (ownerId.isBlank() || ownerId.length() > MAX_OWNER_ID_LENGTH || hasControl(ownerId, false)) {
            return "must be a user's id of at most " + MAX_OWNER_ID_LENGTH + " characters";
        }
        return null;
    }

    /** Control characters, and lone surrogates (not text, and Postgres refuses them too); the gateway refuses them in every text field. */
    public static boolean hasControl(String text, boolean newlineAndTabAllowed) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (newlineAndTabAllowed && (c == '\n' || c == '\r' || c == '\t')) {
                continue;
            }
            if (Character.isISOControl(c)) {
                return true;
            }
            if (Character.isHighSurrogate(c) && (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(++i)))) {
                return true;
            }
            if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static Reading refused(List<Violation> violations, @Nullable String jobId, @Nullable String ownerId,
                                   @Nullable JobKind kind) {
        return new Reading(null, List.copyOf(violations), jobId, ownerId, kind);
    }

    private static @Nullable String text(@Nullable JsonNode node) {
        return node != null && node.isString() ? node.asString() : null;
    }

    private static @Nullable JobKind kind(@Nullable String name) {
        for (var kind : JobKind.values()) {
            if (kind.name().equals(name)) {
                return kind;
            }
        }
        return null;
    }

    /** The JSON path a binding error is at, e.g. {@code spec.width} or {@code offsets[0].partition}. */
    public static String path(JacksonException e) {
        var path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static int even(double value) {
        var rounded = (int) Math.round(value);
        return rounded % 2 == 0 ? rounded : rounded + 1;
    }

    private RequestRules() {
    }
}
