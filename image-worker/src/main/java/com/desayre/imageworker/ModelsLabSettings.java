package com.desayre.imageworker;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code desayre.modelslabs.*}. Without an API key DESAYRE only talks to a simulator: a
 * keyless call to the real ModelsLabs would fail every job, so the worker refuses to start.
 *
 * @param requestTimeout how long one HTTP call may take (a synchronous generation takes tens of seconds)
 * @param jobDeadline    how long a job may stay unfinished at the provider before it fails
 */
@ConfigurationProperties("desayre.modelslabs")
record ModelsLabSettings(String baseUrl, String apiKey, Duration requestTimeout, Duration jobDeadline) {
    static final String REAL_API = "https://modelslab.com";

    ModelsLabSettings {
        if ((apiKey == null || apiKey.isBlank()) && baseUrl.startsWith(REAL_API)) {
            throw new IllegalStateException("MODELS_LABS_API_KEY is not set. Set it to call ModelsLabs, "
                    + "or set MODELS_LABS_BASE_URL to a provider simulator (./desayre up does this for you).");
        }
    }

    @Override
    public String toString() {
        return "ModelsLabSettings[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null || apiKey.isBlank() ? "unset" : "****") + "]";
    }
}
