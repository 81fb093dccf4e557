package com.desayre.videoworker;

import com.desayre.contracts.RequestRules;
import com.desayre.platform.Urls;
import com.desayre.workerkit.JobTiming;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code desayre.xai.*}. Without an API key DESAYRE only talks to a simulator: a keyless call to
 * the real xAI would fail every job, so the worker refuses to start. Retries, breakers and call
 * timeouts are Resilience4j's ({@code resilience4j.*} in video-worker.yml, one instance per model:
 * {@code xai-<model id>}).
 *
 * @param sourceBaseUrl     where xAI can fetch an image-to-video job's source image: {@code <base>/<sourceMediaKey>}
 *                          (a public bucket URL such as {@code R2_PUBLIC_URL}); empty = image-to-video fails as not supported
 * @param jobDeadline       how long a video usually takes at xAI, from when xAI took it (per model in {@code models});
 *                          past it the user is told it is late and it is polled on, slowly, until xAI ends it
 * @param providerRetention how long xAI keeps a video request (about an hour by one account, docs/providers.md §2.3; xAI
 *                          answers {@code expired} itself, this is the backstop): polling stops then
 * @param pollMin           shortest wait between two polls of one video (xAI's clients poll every 1–10 s)
 * @param pollMax           longest wait between two polls (backoff while xAI keeps saying pending, or errs)
 * @param defaultDuration   seconds, when the job does not say (xAI: 1–15); default {@code RequestRules.DEFAULT_VIDEO_SECONDS}
 * @param defaultResolution when the job does not say ({@code 480p}, {@code 720p}); default {@code RequestRules.DEFAULT_VIDEO_RESOLUTION}
 * @param simulator         whether {@code baseUrl} is the provider simulator, which alone gets {@code [sim:…]} directives in
 *                          prompts; unset: any host off the provider's domain is ({@code SimulatorDirectives})
 * @param models            per model id: its own deadline
 */
@ConfigurationProperties("desayre.xai")
@Validated
record XaiSettings(@NotNull @Pattern(regexp = Urls.HTTP, message = Urls.HTTP_MESSAGE) String baseUrl, String apiKey,
                   @Pattern(regexp = Urls.EMPTY_OR_HTTP, message = Urls.EMPTY_OR_HTTP_MESSAGE) String sourceBaseUrl,
                   @NotNull @DurationMin(seconds = 1) Duration jobDeadline,
                   @NotNull @DurationMin(millis = 1) Duration pollMin, @NotNull @DurationMin(millis = 1) Duration pollMax,
                   @Min(1) @Max(15) Integer defaultDuration,
                   @Pattern(regexp = "480p|720p", message = "must be 480p or 720p") String defaultResolution,
                   Map<String, @Valid Model> models, @DurationMin(seconds = 1) Duration providerRetention, Boolean simulator)
        implements JobTiming {
    static final String REAL_API = "https://api.x.ai";
    static final String PROVIDER = "xai";

    XaiSettings {
        // null-safe: a missing base URL is reported by validation, naming the property
        baseUrl = baseUrl == null ? null : baseUrl.strip().replaceAll("/+$", "");
        if ((apiKey == null || apiKey.isBlank()) && baseUrl != null && baseUrl.contains("api.x.ai")) {
            throw new IllegalStateException("XAI_API_KEY is not set. Set it to call xAI, "
                    + "or set XAI_BASE_URL to a provider simulator (./desayre up does this for you).");
        }
        sourceBaseUrl = sourceBaseUrl == null ? "" : sourceBaseUrl.strip().replaceAll("/+$", "");
        models = models == null ? Map.of() : Map.copyOf(models);
        providerRetention = providerRetention == null ? Duration.ofHours(2) : providerRetention;
        // one default for every door (docs/providers.md §2.4): the gateway fills in the same for a REST request
        defaultDuration = defaultDuration == null ? RequestRules.DEFAULT_VIDEO_SECONDS : defaultDuration;
        defaultResolution = defaultResolution == null || defaultResolution.isBlank() ? RequestRules.DEFAULT_VIDEO_RESOLUTION
                : defaultResolution;
    }

    /** @param jobDeadline this model's deadline, or null for the default */
    record Model(@DurationMin(seconds = 1) Duration jobDeadline) {
    }

    /** True when the base URL is the provider simulator: then (and only then) prompts keep their {@code [sim:…]} directives. */
    boolean talksToSimulator() {
        return com.desayre.workerkit.SimulatorDirectives.isSimulator(baseUrl, "x.ai", simulator);
    }

    @Override
    public Duration deadlineOf(String model) {
        var own = models.get(model);
        return own != null && own.jobDeadline() != null ? own.jobDeadline() : jobDeadline;
    }

    /** xAI gives no eta: its progress is told instead, and polls back off from pollMin. */
    @Override
    public Duration etaCap() {
        return pollMax;
    }

    @Override
    public String toString() {
        return "XaiSettings[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null || apiKey.isBlank() ? "unset" : "****") + "]";
    }
}
