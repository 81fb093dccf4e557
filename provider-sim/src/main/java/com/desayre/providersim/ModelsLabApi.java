package com.desayre.providersim;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The ModelsLab v7 image API: text-to-image submit and the fetch (poll) endpoints, with the
 * provider's envelopes and quirks (errors often with HTTP 200, numbers as strings, {@code id} as
 * a JSON number). See docs/providers.md §1 and §4.
 */
final class ModelsLabApi {
    private static final System.Logger LOG = System.getLogger(ModelsLabApi.class.getName());

    static final String V7_IMAGES = "modelslab-v7-images";
    static final String V7_FETCH_PATH = "/api/v7/images/fetch/";

    static final String MSG_INVALID_KEY = "Invalid API key";
    static final String MSG_PROMPT_REQUIRED = "prompt is required";
    static final String MSG_NOT_FOUND = "Request not found";
    static final String MSG_UNREACHABLE_IMAGE = "Unable to fetch image from provided URL";
    static final String TIP = "Your image is processing in background, you can get this image using fetch API";
    static final String PROCESSING_MESSAGE = "Try to fetch request after seconds estimated";

    /** Gemini-image-like 1K sizes for each aspect ratio ModelsLab clients send. */
    static final Map<String, int[]> ASPECT_SIZES;

    static {
        Map<String, int[]> sizes = new LinkedHashMap<>();
        sizes.put("1:1", new int[] {1024, 1024});
        sizes.put("2:3", new int[] {848, 1264});
        sizes.put("3:2", new int[] {1264, 848});
        sizes.put("3:4", new int[] {896, 1200});
        sizes.put("4:3", new int[] {1200, 896});
        sizes.put("4:5", new int[] {928, 1152});
        sizes.put("5:4", new int[] {1152, 928});
        sizes.put("9:16", new int[] {768, 1376});
        sizes.put("16:9", new int[] {1376, 768});
        sizes.put("21:9", new int[] {1584, 672});
        ASPECT_SIZES = Collections.unmodifiableMap(sizes);
    }

    static final String DEFAULT_ASPECT = "1:1";
    static final int MAX_SAMPLES = 4;

    private final SimulatorSettings settings;
    private final String baseUrl;
    private final JobBook jobs;
    private final ImageRenderer renderer;
    private final FixedImages fixedImages = new FixedImages();
    private final SimCounters counters;
    private final FaultRules rules;
    private final FaultGate gate = new FaultGate();
    private final AccountQueues queues = new AccountQueues();
    private final SourceImages sources = new SourceImages();

    ModelsLabApi(SimulatorSettings settings, String baseUrl, JobBook jobs, ImageRenderer renderer,
                 SimCounters counters, FaultRules rules) {
        this.settings = settings;
        this.baseUrl = baseUrl;
        this.jobs = jobs;
        this.renderer = renderer;
        this.counters = counters;
        this.rules = rules;
    }

    void register(Router router) {
        router.add("POST", "^/api/v7/images/text-to-image/?$", r -> submit(r, false));
        router.add("POST", "^/api/v7/images/image-to-image/?$", r -> submit(r, true));
        router.add("POST", "^/api/v7/images/fetch/([^/]+)/?$", r -> fetch(r, r.pathParam(0)));
        router.add("POST", "^/api/v7/images/fetch/?$", r -> fetch(r, null));
    }

    // ---- submit -------------------------------------------------------------------------------

    private SimResponse submit(SimRequest request, boolean edit) {
        counters.submitRequests.incrementAndGet();
        JsonNode body = bodyOf(request);
        if (body == null) {
            return error(400, "Invalid JSON body");
        }
        String key = Json.text(body, "key");
        if (key == null) {
            return error(401, MSG_INVALID_KEY);
        }
        String rawPrompt = Json.text(body, "prompt");
        if (rawPrompt == null) {
            return error(200, MSG_PROMPT_REQUIRED);
        }
        Directives directives;
        try {
            directives = Directives.parse(rawPrompt);
        } catch (Directives.InvalidDirectiveException e) {
            return error(400, e.getMessage());
        }
        var endpoint = edit ? FaultRules.Endpoint.IMAGE_TO_IMAGE : FaultRules.Endpoint.TEXT_TO_IMAGE;
        Faults faults = rules.take(endpoint, Json.text(body, "model_id")).then(directives.faults());
        String owner = fingerprint(key);
        String trackId = Json.text(body, "track_id");
        Duration slow = Duration.ZERO;
        if (faults.hasSubmitFault() && gate.strikes(owner + "|" + (trackId != null ? trackId : directives.prompt()) + "|submit", faults)) {
            SimResponse misbehaved = misbehave(faults, key, Json.text(body, "model_id"));
            if (misbehaved != null) {
                return misbehaved;
            }
            slow = faults.slow();
        }

        ImageParams params;
        byte[] source = null;
        try {
            params = ImageParams.read(body);
            if (edit) {
                String initImage = initImage(body);
                if (initImage == null) {
                    return error(200, "init_image is required");
                }
                source = sources.fetch(initImage);
                if (source == null) {
                    return error(200, MSG_UNREACHABLE_IMAGE);
                }
                if (!sized(body)) {
                    params = params.sizedLike(sources.size(source));
                }
            }
        } catch (Json.BadFieldException | IllegalArgumentException e) {
            return error(200, e.getMessage());
        }

        if (settings.queueLimit() > 0 && !queues.tryEnter(owner, settings.queueLimit(), jobs.now())) {
            counters.queueFull.incrementAndGet();
            Map<String, Object> full = new LinkedHashMap<>();
            full.put("status", "error");
            full.put("message", "Rate limit exceeded. Maximum " + settings.queueLimit() + " queued requests allowed.");
            full.put("retry_after", faults.retryAfterSeconds());
            return SimResponse.json(429, full).withHeader("Retry-After", Integer.toString(faults.retryAfterSeconds()));
        }

        SimulatorSettings.Mode mode = directives.modeOr(settings.mode());
        Duration latency = directives.latencyOr(settings.latency());
        JobBook.Job job = newImageJob(owner, directives.prompt(), Json.text(body, "model_id"),
                params, Json.text(body, "negative_prompt"), trackId, Json.text(body, "webhook"), latency, faults, source);
        queues.add(owner, job);
        counters.submitted(trackId);
        LOG.log(Level.DEBUG, () -> "modelslab " + (edit ? "image-to-image" : "text-to-image") + " id=" + job.id()
                + " owner=" + job.owner() + " mode=" + mode + " latency=" + latency.toMillis() + "ms size="
                + job.meta().get("width") + "x" + job.meta().get("height"));

        if (mode == SimulatorSettings.Mode.ASYNC) {
            return SimResponse.json(200, processing(job, latency)).delayedBy(slow);
        }
        return SimResponse.json(200, finished(job)).delayedBy(latency.plus(slow));
    }

    /** {@code init_image} as a URL string, or the first of an array of them. */
    private static String initImage(JsonNode body) {
        JsonNode node = body.get("init_image");
        if (node != null && node.isArray()) {
            node = node.size() == 0 ? null : node.get(0);
        }
        if (node == null || !node.isString() || node.stringValue().isBlank()) {
            return null;
        }
        return node.stringValue().strip();
    }

    private static boolean sized(JsonNode body) {
        return Json.text(body, "aspect_ratio") != null
                || (Json.text(body, "width") != null && Json.text(body, "height") != null);
    }

    /** A request-level fault's answer (reset, malformed, fail, http200error), or null when it is only slow. */
    private SimResponse misbehave(Faults faults, String key, String modelId) {
        if (faults.reset()) {
            return SimResponse.RESET;
        }
        if (faults.malformed()) {
            return new SimResponse(200, SimResponse.JSON, "{\"status\":\"success\",\"output\":[\"http://".getBytes(StandardCharsets.UTF_8),
                    Map.of(), Duration.ZERO);
        }
        if (faults.fail() != null || faults.http200error()) {
            return failure(faults.fail() != null ? faults.fail() : 400, faults, key, modelId);
        }
        return null;
    }

    /** ModelsLab's error body for an HTTP code, with that code or (http200error) with 200. */
    private SimResponse failure(int code, Faults faults, String key, String modelId) {
        String message = switch (code) {
            case 400 -> "width must be between 256 and 1024";
            case 401 -> MSG_INVALID_KEY;
            case 402 -> "Insufficient credits. Please add more credits to continue.";
            case 403 -> "This feature requires a premium subscription";
            case 404 -> "Model not found: " + modelId;
            case 422 -> "The prompt field is invalid.";
            case 429 -> "Rate limit exceeded. Maximum 5 queued requests allowed.";
            case 500 -> "Internal server error. Please try again.";
            case 503 -> "Service temporarily unavailable. Please try again later.";
            default -> code >= 500 ? "Server error. Please try again later." : "Request failed.";
        };
        if (faults.echoKey()) {
            message = message + " (key " + key + ")";
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "error");
        body.put("message", message);
        if (code == 429) {
            body.put("retry_after", faults.retryAfterSeconds());
        }
        SimResponse response = SimResponse.json(faults.http200error() ? 200 : code, body);
        return code == 429 ? response.withHeader("Retry-After", Integer.toString(faults.retryAfterSeconds())) : response;
    }

    private JobBook.Job newImageJob(String owner, String prompt, String modelId, ImageParams params,
                                    String negativePrompt, String trackId, String webhook, Duration latency,
                                    Faults faults, byte[] source) {
        long id = jobs.nextId();
        List<JobBook.Output> outputs = new ArrayList<>(params.samples());
        for (int n = 0; n < params.samples(); n++) {
            ImageRenderer.Spec spec = new ImageRenderer.Spec(prompt, params.seed(), params.width(), params.height(), n);
            // an edit keeps its source's bytes (compressed) and decodes them again when rendered
            Supplier<byte[]> png;
            if (source != null) {
                png = () -> ImageRenderer.encodePng(renderer.renderEdit(sources.decode(source), spec));
            } else if (settings.fixedImages()) {
                png = () -> fixedImages.png(spec.width(), spec.height());
            } else {
                png = () -> renderer.renderPng(spec);
            }
            outputs.add(new JobBook.Output(id + "-" + n + ".png", "image/png", png));
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("prompt", prompt);
        meta.put("negative_prompt", negativePrompt);
        meta.put("model_id", modelId);
        meta.put("aspect_ratio", params.aspectRatio());
        meta.put("width", params.width());
        meta.put("height", params.height());
        meta.put("samples", params.samples());
        meta.put("seed", params.seed());
        meta.put("track_id", trackId);
        meta.put("webhook", webhook);
        return jobs.register(new JobBook.Job(id, V7_IMAGES, owner, jobs.readyAt(latency), latency,
                Collections.unmodifiableMap(meta), List.copyOf(outputs), faults));
    }

    /** The size, sample count and seed of an image request, validated. */
    record ImageParams(int width, int height, String aspectRatio, int samples, long seed) {

        static ImageParams read(JsonNode body) {
            Long width = Json.wholeNumber(body, "width");
            Long height = Json.wholeNumber(body, "height");
            String aspect = Json.text(body, "aspect_ratio");
            if (aspect != null) {
                aspect = aspect.strip();
                if (!ASPECT_SIZES.containsKey(aspect)) {
                    throw new IllegalArgumentException("Invalid aspect_ratio " + aspect + ". Supported: "
                            + String.join(", ", ASPECT_SIZES.keySet()));
                }
            }
            int w;
            int h;
            String echo = aspect;
            if (width != null && height != null) {
                w = clampSide(width);
                h = clampSide(height);
            } else {
                echo = aspect != null ? aspect : DEFAULT_ASPECT;
                int[] size = ASPECT_SIZES.get(echo);
                w = size[0];
                h = size[1];
            }
            Long samples = Json.wholeNumber(body, "samples");
            if (samples != null && (samples < 1 || samples > MAX_SAMPLES)) {
                throw new IllegalArgumentException("samples must be between 1 and " + MAX_SAMPLES);
            }
            int n = samples == null ? 1 : samples.intValue();
            Long seed = Json.wholeNumber(body, "seed");
            long s = seed != null ? seed : ThreadLocalRandom.current().nextLong(0, 4_294_967_296L);
            return new ImageParams(w, h, echo, n, s);
        }

        /** The same parameters at a source image's own size (an edit without a size keeps it). */
        ImageParams sizedLike(int[] size) {
            return new ImageParams(clampSide(size[0]), clampSide(size[1]), null, samples, seed);
        }

        private static int clampSide(long side) {
            return (int) Math.max(ImageRenderer.MIN_SIDE, Math.min(ImageRenderer.MAX_SIDE, side));
        }
    }

    // ---- fetch --------------------------------------------------------------------------------

    private SimResponse fetch(SimRequest request, String pathId) {
        JsonNode body = bodyOf(request);
        if (body == null) {
            return error(400, "Invalid JSON body");
        }
        if (Json.text(body, "key") == null) {
            return error(401, MSG_INVALID_KEY);
        }
        counters.fetches.incrementAndGet();
        String idText = pathId != null ? pathId : Json.text(body, "request_id");
        if (idText == null) {
            idText = Json.text(body, "id");
        }
        if (idText == null) {
            return error(200, "request_id is required");
        }
        Long id = parseId(idText);
        JobBook.Job job = id == null ? null : jobs.find(id);
        if (job == null || !V7_IMAGES.equals(job.api())) {
            return error(200, MSG_NOT_FOUND);
        }
        String modelId = String.valueOf(job.meta().get("model_id"));
        // a rule switched on now hits this poll, and its job faults apply to a job submitted earlier
        Faults now = rules.take(FaultRules.Endpoint.IMAGE_FETCH, modelId);
        Duration slow = Duration.ZERO;
        if (now.hasSubmitFault() && gate.strikes(job.id() + "|fetch", now)) {
            SimResponse misbehaved = misbehave(now, "", modelId);
            if (misbehaved != null) {
                return misbehaved;
            }
            slow = now.slow();
        }
        job = job.withFaults(now);
        Faults faults = job.faults();
        if (faults.pollFail() != null && gate.strikes(job.id() + "|poll", faults)) {
            return failure(faults.pollFail(), faults, "", modelId);
        }
        if (faults.pollReset() && gate.strikes(job.id() + "|poll-reset", faults)) {
            return SimResponse.RESET;
        }
        long at = jobs.now();
        if (job.isReady(at)) {
            return SimResponse.json(200, finished(job)).delayedBy(slow);
        }
        return SimResponse.json(200, processing(job, job.remaining(at))).delayedBy(slow);
    }

    private static Long parseId(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---- envelopes ----------------------------------------------------------------------------

    /** {@code success}, or (fault {@code failed}) the provider's own failure: {@code status: "failed"}. */
    private Map<String, Object> finished(JobBook.Job job) {
        if (!job.faults().failed()) {
            return success(job);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "failed");
        body.put("id", job.id());
        body.put("message", "Processing failed: the image could not be generated. Please try again.");
        body.put("track_id", job.meta().get("track_id"));
        return body;
    }

    private Map<String, Object> success(JobBook.Job job) {
        List<String> urls = outputUrls(job);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "success");
        body.put("generationTime", seconds(job.latency()));
        body.put("id", job.id());
        body.put("output", urls);
        body.put("proxy_links", urls);
        body.put("nsfw_content_detected", job.faults().nsfw());
        body.put("webhook_status", "");
        body.put("meta", job.meta());
        return body;
    }

    private Map<String, Object> processing(JobBook.Job job, Duration remaining) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "processing");
        body.put("tip", TIP);
        body.put("eta", seconds(remaining));
        body.put("message", PROCESSING_MESSAGE);
        body.put("webhook_status", "");
        body.put("fetch_result", publicBase() + V7_FETCH_PATH + job.id());
        body.put("id", job.id());
        body.put("output", List.of());
        body.put("meta", job.meta());
        body.put("future_links", outputUrls(job));
        return body;
    }

    private List<String> outputUrls(JobBook.Job job) {
        String base = publicBase();
        List<String> urls = new ArrayList<>(job.outputs().size());
        for (JobBook.Output output : job.outputs()) {
            urls.add(OutputFiles.url(base, output.name()));
        }
        return List.copyOf(urls);
    }

    private String publicBase() {
        return settings.publicBaseUrl() != null ? settings.publicBaseUrl() : baseUrl;
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** The body as an object; an empty body counts as {@code {}} (then the key check answers). */
    private static JsonNode bodyOf(SimRequest request) {
        if (request.body().length == 0 || request.bodyText().isBlank()) {
            return Json.readTree("{}".getBytes(StandardCharsets.UTF_8));
        }
        return Json.readObject(request.body());
    }

    static SimResponse error(int httpStatus, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "error");
        body.put("message", message);
        return SimResponse.json(httpStatus, body);
    }

    static double seconds(Duration d) {
        return Math.round(d.toNanos() / 10_000_000.0) / 100.0;
    }

    /** A short, log-safe stand-in for an API key: never log or store the key itself. */
    static String fingerprint(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
