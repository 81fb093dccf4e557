package com.desayre.imageworker;

import com.desayre.platform.Urls;
import com.desayre.workerkit.JobTiming;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code desayre.modelslabs.*}. Without an API key DESAYRE only talks to a simulator: a
 * keyless call to the real ModelsLabs would fail every job, so the worker refuses to start.
 * Retries, breakers, the account queue and call timeouts are Resilience4j's ({@code resilience4j.*}
 * in image-worker.yml, one instance per model: {@code modelslabs-<model id>}).
 *
 * @param sourceBaseUrl where the provider can fetch an edit's source image: {@code <base>/<sourceMediaKey>}
 *                      (a public bucket URL such as {@code R2_PUBLIC_URL}); empty = edits fail as not supported
 * @param jobDeadline   how long a job usually takes at the provider, from when the provider took it (per model in
 *                      {@code models}); past it the user is told it is late and it is polled on, slowly
 * @param providerRetention how long ModelsLabs keeps a job and its result (24 h: docs/providers.md §1.1); polling stops then
 * @param pollMin       shortest wait between two polls of one job
 * @param pollMax       longest wait between two polls when the provider gives no {@code eta}
 * @param etaCap        longest wait the provider's {@code eta} may impose
 * @param simulator         whether {@code baseUrl} is the provider simulator, which alone gets {@code [sim:…]} directives in
 *                          prompts; unset: any host off the provider's domain is ({@code SimulatorDirectives})
 * @param models        per model id: its own deadline
 */
@ConfigurationProperties("desayre.modelslabs")
@Validated
record ModelsLabSettings(@NotNull @Pattern(regexp = Urls.HTTP, message = Urls.HTTP_MESSAGE) String baseUrl, String apiKey,
                         @Pattern(regexp = Urls.EMPTY_OR_HTTP, message = Urls.EMPTY_OR_HTTP_MESSAGE) String sourceBaseUrl,
                         @NotNull @DurationMin(seconds = 1) Duration jobDeadline,
                         @NotNull @DurationMin(millis = 1) Duration pollMin, @NotNull @DurationMin(millis = 1) Duration pollMax,
                         @NotNull @DurationMin(millis = 1) Duration etaCap, Map<String, @Valid Model> models,
                         @DurationMin(seconds = 1) Duration providerRetention, Boolean simulator)
        implements JobTiming {
    static final String REAL_API = "https://modelslab.com";
    static final String PROVIDER = "modelslabs";

    ModelsLabSettings {
        // null-safe: a missing base URL is reported by validation, naming the property
        baseUrl = baseUrl == null ? null : baseUrl.strip().replaceAll("/+$", "");
        if ((apiKey == null || apiKey.isBlank()) && baseUrl != null && baseUrl.startsWith(REAL_API)) {
            throw new IllegalStateException("MODELS_LABS_API_KEY is not set. Set it to call ModelsLabs, "
                    + "or set MODELS_LABS_BASE_URL to a provider simulator (./desayre up does this for you).");
        }
        sourceBaseUrl = sourceBaseUrl == null ? "" : sourceBaseUrl.strip().replaceAll("/+$", "");
        models = models == null ? Map.of() : Map.copyOf(models);
        providerRetention = providerRetention == null ? Duration.ofHours(24) : providerRetention;
    }

    /** @param jobDeadline this model's deadline, or null for the default */
    record Model(@DurationMin(seconds = 1) Duration jobDeadline) {
    }

    /** True when the base URL is the provider simulator: then (and only then) prompts keep their {@code [sim:…]} directives. */
    boolean talksToSimulator() {
        return com.desayre.workerkit.SimulatorDirectives.isSimulator(baseUrl, "modelslab.com", simulator);
    }

    @Override
    public Duration deadlineOf(String model) {
        var own = models.get(model);
        return own != null && own.jobDeadline() != null ? own.jobDeadline() : jobDeadline;
    }

    @Override
    public String toString() {
        return "ModelsLabSettings[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null || apiKey.isBlank() ? "unset" : "****") + "]";
    }
}
