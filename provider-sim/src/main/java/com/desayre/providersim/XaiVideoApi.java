package com.desayre.providersim;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;

/**
 * xAI's Grok Imagine video API (docs/providers.md §2.2, §2.3, §4): {@code POST /v1/videos/generations}
 * answers a {@code request_id}; {@code GET /v1/videos/{request_id}} answers, while the video renders, once the
 * request id alone, once {@code 202} with an empty body, then {@code pending} with a rising {@code progress}, then {@code done} with a temporary MP4 URL, or {@code failed} /
 * {@code expired}. Bearer auth, JSON only, errors as {@code {"code","error"}}. The MP4 is real
 * (see {@link VideoRenderer}), rendered when first downloaded.
 */
final class XaiVideoApi {
    private static final System.Logger LOG = System.getLogger(XaiVideoApi.class.getName());

    static final String API = "xai-videos";
    static final String SUBMIT_PATH = "/v1/videos/generations";
    static final String POLL_PATH = "/v1/videos/";
    static final Set<String> MODELS = Set.of("grok-imagine-video", "grok-imagine-video-beta", "grok-imagine-video-1.5",
            "grok-imagine-video-1.5-preview", "grok-imagine-video-1.5-lite");
    static final Set<String> RESOLUTIONS = Set.of("480p", "720p", "1080p");
    /** The frame sizes the simulator renders, per aspect ratio: small, so encoding stays quick. */
    static final Map<String, int[]> FRAMES = Map.of("16:9", new int[] {640, 360}, "9:16", new int[] {360, 640},
            "1:1", new int[] {480, 480}, "4:3", new int[] {544, 408}, "3:4", new int[] {408, 544},
            "3:2", new int[] {576, 384}, "2:3", new int[] {384, 576});
    static final String DEFAULT_ASPECT = "16:9";
    static final int DEFAULT_DURATION = 8;
    static final String INVALID_ARGUMENT = "Client specified an invalid argument";
    /** Ticks per US dollar (1e10) times xAI's ~$0.05 per second at 480p. */
    private static final long TICKS_PER_SECOND = 500_000_000L;

    private final SimulatorSettings settings;
    private final String baseUrl;
    private final JobBook jobs;
    private final VideoRenderer renderer;
    private final SimCounters counters;
    private final FaultRules rules;
    private final FaultGate gate = new FaultGate();
    private final SourceImages sources = new SourceImages();
    private final FixedVideos fixedVideos;
    /** request ids are UUIDs whose low half is the job id: this simulator's own high half, so no map is needed. */
    private final long idPrefix = ThreadLocalRandom.current().nextLong();

    XaiVideoApi(SimulatorSettings settings, String baseUrl, JobBook jobs, VideoRenderer renderer, SimCounters counters,
                FaultRules rules) {
        this.settings = settings;
        this.baseUrl = baseUrl;
        this.jobs = jobs;
        this.renderer = renderer;
        this.fixedVideos = new FixedVideos(renderer);
        this.counters = counters;
        this.rules = rules;
    }

    void register(Router router) {
        router.add("POST", "^/v1/videos/generations/?$", this::submit);
        router.add("GET", "^/v1/videos/([A-Za-z0-9-]+)/?$", r -> poll(r, r.pathParam(0)));
    }

    // ---- submit -------------------------------------------------------------------------------

    private SimResponse submit(SimRequest request) {
        counters.submitRequests.incrementAndGet();
        String key = bearer(request);
        if (key == null) {
            return error(401, "Unauthorized", "Missing or invalid Authorization header. Send 'Authorization: Bearer <api key>'.");
        }
        String type = request.header("Content-Type");
        if (request.body().length == 0 || type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            return error(415, "Unsupported Media Type", "Expected a JSON body with Content-Type: application/json.");
        }
        JsonNode body = Json.readObject(request.body());
        if (body == null) {
            return error(400, INVALID_ARGUMENT, "The request body is not a JSON object.");
        }
        String rawPrompt = Json.text(body, "prompt");
        if (rawPrompt == null) {
            return error(400, INVALID_ARGUMENT, "prompt is required");
        }
        Directives directives;
        try {
            directives = Directives.parse(rawPrompt);
        } catch (Directives.InvalidDirectiveException e) {
            return error(400, INVALID_ARGUMENT, e.getMessage());
        }
        Faults faults = rules.take(FaultRules.Endpoint.VIDEO_GENERATIONS, Json.text(body, "model")).then(directives.faults());
        String owner = ModelsLabApi.fingerprint(key);
        Duration slow = Duration.ZERO;
        if (faults.hasSubmitFault() && gate.strikes(owner + "|" + directives.prompt() + "|submit", faults)) {
            SimResponse misbehaved = misbehave(faults, key, Json.text(body, "model"), "{\"request_id\":\"");
            if (misbehaved != null) {
                return misbehaved;
            }
            slow = faults.slow();
        }

        String model = Json.text(body, "model");
        if (model == null || !MODELS.contains(model)) {
            return error(404, "Some requested entity was not found",
                    "The model " + model + " does not exist or your team does not have access to it.");
        }
        Long duration;
        try {
            duration = Json.wholeNumber(body, "duration");
        } catch (Json.BadFieldException e) {
            return error(422, INVALID_ARGUMENT, e.getMessage());
        }
        if (duration != null && (duration < 1 || duration > 15)) {
            return error(422, INVALID_ARGUMENT, "duration must be between 1 and 15 seconds, got " + duration);
        }
        String aspect = Json.text(body, "aspect_ratio");
        if (aspect != null && !FRAMES.containsKey(aspect)) {
            return error(422, INVALID_ARGUMENT, "aspect_ratio must be one of " + String.join(", ", FRAMES.keySet()));
        }
        String resolution = Json.text(body, "resolution");
        if (resolution != null && !RESOLUTIONS.contains(resolution)) {
            return error(422, INVALID_ARGUMENT, "resolution must be one of 480p, 720p, 1080p");
        }
        byte[] source = null;
        JsonNode image = body.get("image");
        if (image != null && !image.isNull()) {
            if (!image.isObject() || Json.text(image, "url") == null) {
                return error(422, INVALID_ARGUMENT, "image must be an object with a url: {\"url\": \"https://...\"}");
            }
            source = sources.fetch(Json.text(image, "url"));
            if (source == null) {
                return error(422, INVALID_ARGUMENT, "Failed to fetch the image at " + Json.text(image, "url"));
            }
        }

        int seconds = duration == null ? DEFAULT_DURATION : duration.intValue();
        // image-to-video follows the input image's shape (docs/providers.md §2.2)
        int[] frame = FRAMES.get(aspect == null ? DEFAULT_ASPECT : aspect);
        if (source != null && aspect == null) {
            int[] size = sources.size(source);
            frame = size[0] >= size[1] ? new int[] {640, Math.max(64, 640 * size[1] / size[0])}
                    : new int[] {Math.max(64, 640 * size[0] / size[1]), 640};
        }
        long id = jobs.nextId();
        var spec = new VideoRenderer.Spec(directives.prompt(), id, frame[0], frame[1], seconds);
        byte[] still = source;
        var output = new JobBook.Output(requestId(id) + ".mp4", "video/mp4", settings.fixedImages()
                ? () -> fixedVideos.mp4(spec)
                : still == null ? () -> renderer.render(spec) : () -> renderer.render(sources.decode(still), spec));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("model", model);
        meta.put("prompt", directives.prompt());
        meta.put("duration", spec.seconds());
        meta.put("resolution", resolution == null ? "480p" : resolution);
        Duration latency = directives.latencyOr(settings.videoLatency());
        var job = jobs.register(new JobBook.Job(id, API, owner, jobs.readyAt(latency), latency, meta, List.of(output), faults));
        counters.submissions.incrementAndGet();
        LOG.log(Level.DEBUG, () -> "xai video " + requestId(id) + " owner=" + owner + " latency=" + latency.toMillis()
                + "ms " + spec.width() + "x" + spec.height() + " " + spec.seconds() + "s");
        return SimResponse.json(200, Map.of("request_id", requestId(job.id()))).delayedBy(slow);
    }

    /** A request-level fault's answer (reset, malformed, fail, http200error), or null when it is only slow. */
    private static SimResponse misbehave(Faults faults, String key, String model, String truncatedJson) {
        if (faults.reset()) {
            return SimResponse.RESET;
        }
        if (faults.malformed()) {
            return new SimResponse(200, SimResponse.JSON, truncatedJson.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    Map.of(), Duration.ZERO);
        }
        if (faults.fail() != null || faults.http200error()) {
            return failure(faults.fail() != null ? faults.fail() : 400, faults, key, model);
        }
        return null;
    }

    /** xAI's error body for an HTTP code, with that code or (http200error) with 200. */
    private static SimResponse failure(int code, Faults faults, String key, String model) {
        String message = switch (code) {
            case 400 -> "Incorrect API key provided: " + masked(key) + ". You can obtain an API key from https://console.x.ai.";
            case 401 -> "Missing or invalid Authorization header.";
            case 402 -> "Your team has run out of credits.";
            case 403 -> "The API key or team does not have permission to use " + model + ".";
            case 404 -> "The model " + model + " does not exist or your team does not have access to it.";
            case 422 -> "duration must be between 1 and 15 seconds";
            case 429 -> "Too many requests: the team's rate limit for " + model + " was exceeded.";
            case 500 -> "Internal server error.";
            case 503 -> "The service is temporarily unavailable. Please try again later.";
            default -> code >= 500 ? "Server error." : "Request failed.";
        };
        if (faults.echoKey()) {
            message = message + " (key " + key + ")";
        }
        SimResponse response = error(faults.http200error() ? 200 : code, code == 400 || code == 422 ? INVALID_ARGUMENT
                : "Request failed with status " + code, message);
        return code == 429 ? response.withHeader("Retry-After", Integer.toString(faults.retryAfterSeconds())) : response;
    }

    // ---- poll ---------------------------------------------------------------------------------

    private SimResponse poll(SimRequest request, String requestId) {
        if (bearer(request) == null) {
            return error(401, "Unauthorized", "Missing or invalid Authorization header.");
        }
        counters.fetches.incrementAndGet();
        Long id = jobId(requestId);
        JobBook.Job job = id == null ? null : jobs.find(id);
        if (job == null || !API.equals(job.api())) {
            return error(404, "Some requested entity was not found", "No video generation request " + requestId + ".");
        }
        String model = String.valueOf(job.meta().get("model"));
        // a rule switched on now hits this poll, and its job faults apply to a video submitted earlier
        Faults now = rules.take(FaultRules.Endpoint.VIDEO_POLL, model);
        Duration slow = Duration.ZERO;
        if (now.hasSubmitFault() && gate.strikes(job.id() + "|fetch", now)) {
            SimResponse misbehaved = misbehave(now, "", model, "{\"status\":\"done\",\"video\":{\"url\":\"");
            if (misbehaved != null) {
                return misbehaved;
            }
            slow = now.slow();
        }
        job = job.withFaults(now);
        Faults faults = job.faults();
        if (faults.pollFail() != null && gate.strikes(job.id() + "|poll", faults)) {
            return failure(faults.pollFail(), faults, "", model);
        }
        if (faults.pollReset() && gate.strikes(job.id() + "|poll-reset", faults)) {
            return SimResponse.RESET;
        }
        return answerPoll(job, requestId).delayedBy(slow);
    }

    private SimResponse answerPoll(JobBook.Job job, String requestId) {
        Faults faults = job.faults();
        long now = jobs.now();
        Map<String, Object> body = new LinkedHashMap<>();
        if (!job.isReady(now)) {
            // an early poll may echo only the request id (docs/providers.md §2.3): pending all the same
            if (gate.strikes(job.id() + "|first-poll", FIRST_POLL_ONLY)) {
                return SimResponse.json(200, Map.of("request_id", requestId));
            }
            // then one "202 Accepted" with no body at all, as real xAI answers while a video renders (§2.3); the
            // official SDK reads it as pending, and so must every client of this simulator
            if (gate.strikes(job.id() + "|empty-202", FIRST_POLL_ONLY)) {
                return new SimResponse(202, SimResponse.JSON, new byte[0], Map.of(), Duration.ZERO);
            }
            body.put("status", "pending");
            body.put("progress", progress(job, now));
            body.put("model", job.meta().get("model"));
            return SimResponse.json(200, body);
        }
        if (faults.expire()) {
            return SimResponse.json(200, Map.of("status", "expired"));
        }
        if (faults.failed()) {
            body.put("status", "failed");
            body.put("video", Map.of("duration", 0, "respect_moderation", true));
            body.put("model", "");
            body.put("error", Map.of("code", "internal_error", "message", "The video could not be generated."));
            return SimResponse.json(200, body);
        }
        int seconds = (Integer) job.meta().get("duration");
        Map<String, Object> video = new LinkedHashMap<>();
        // a moderated video has no URL, and is billed all the same
        if (!faults.nsfw()) {
            video.put("url", OutputFiles.url(publicBase(), job.outputs().get(0).name()));
        }
        video.put("duration", seconds);
        video.put("respect_moderation", !faults.nsfw());
        body.put("status", "done");
        body.put("video", video);
        body.put("model", job.meta().get("model"));
        body.put("usage", Map.of("cost_in_usd_ticks", TICKS_PER_SECOND * seconds));
        body.put("progress", 100);
        return SimResponse.json(200, body);
    }

    private static final Faults FIRST_POLL_ONLY = new Faults(Map.of("times", "1"));

    private static int progress(JobBook.Job job, long now) {
        if (job.faults().never()) {
            return 50;
        }
        long total = Math.max(1, job.latency().toNanos());
        long left = job.remaining(now).toNanos();
        return (int) Math.max(0, Math.min(99, 100 - left * 100 / total));
    }

    // ---- helpers ------------------------------------------------------------------------------

    String requestId(long id) {
        return new UUID(idPrefix, id).toString();
    }

    private Long jobId(String requestId) {
        try {
            var uuid = UUID.fromString(requestId);
            return uuid.getMostSignificantBits() == idPrefix ? uuid.getLeastSignificantBits() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String bearer(SimRequest request) {
        String header = request.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            return null;
        }
        return header.substring(7).strip();
    }

    private static String masked(String key) {
        return key.length() <= 4 ? "****" : key.substring(0, 2) + "***" + key.substring(key.length() - 2);
    }

    private String publicBase() {
        return settings.publicBaseUrl() != null ? settings.publicBaseUrl() : baseUrl;
    }

    /** xAI's observed error shape: {@code {"code": "...", "error": "..."}}. */
    static SimResponse error(int status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("error", message);
        return SimResponse.json(status, body);
    }
}
