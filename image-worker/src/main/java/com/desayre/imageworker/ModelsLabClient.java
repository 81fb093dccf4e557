package com.desayre.imageworker;

import com.desayre.contracts.EncodedJob;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ModelsLabs v7 image API: the key travels in the JSON body, never in a URL or a log line.
 */
@Component
class ModelsLabClient {
    private final RestClient http;
    private final ModelsLabSettings settings;
    private final JsonMapper json = JsonMapper.builder().build();

    ModelsLabClient(ModelsLabSettings settings) {
        this.settings = settings;
        var jdk = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(10)).build();
        var factory = new JdkClientHttpRequestFactory(jdk);
        factory.setReadTimeout(settings.requestTimeout());
        this.http = RestClient.builder().requestFactory(factory).baseUrl(settings.baseUrl()).build();
    }

    ModelsLabAnswer textToImage(EncodedJob job) {
        var body = new LinkedHashMap<String, Object>();
        body.put("key", settings.apiKey());
        body.put("model_id", job.route().model());
        body.put("prompt", job.encodedPrompt());
        body.put("aspect_ratio", job.spec().aspectRatio());
        body.put("width", job.spec().width());
        body.put("height", job.spec().height());
        if (job.spec().seed() != null) {
            body.put("seed", job.spec().seed());
        }
        if (job.negativePrompt() != null) {
            body.put("negative_prompt", job.negativePrompt());
        }
        // correlates a webhook or a support ticket with the DESAYRE job
        body.put("track_id", job.jobId());
        return post("/api/v7/images/text-to-image", body);
    }

    /** Polls a job: the {@code fetch_result} URL when the provider gave one, else the documented path. */
    ModelsLabAnswer fetch(ModelsLabAnswer processing) {
        var body = new LinkedHashMap<String, Object>();
        body.put("key", settings.apiKey());
        var uri = processing.fetchUrl().isBlank() ? "/api/v7/images/fetch/" + processing.id() : processing.fetchUrl();
        return post(uri, body);
    }

    private ModelsLabAnswer post(String uri, Object body) {
        // ModelsLabs answers errors with any HTTP code and sometimes "processing" with a 400: read the body always
        return http.post().uri(uri).contentType(MediaType.APPLICATION_JSON).body(json.writeValueAsBytes(body))
                .exchange((request, response) -> {
                    var bytes = response.getBody().readAllBytes();
                    JsonNode node;
                    try {
                        node = json.readTree(bytes);
                    } catch (RuntimeException e) {
                        throw new ProviderUnavailableException("ModelsLabs answered HTTP " + response.getStatusCode().value()
                                + " with a body that is not JSON");
                    }
                    if (node == null || !node.isObject()) {
                        throw new ProviderUnavailableException("ModelsLabs answered HTTP " + response.getStatusCode().value()
                                + " without a JSON object");
                    }
                    if (response.getStatusCode().value() == 429 || response.getStatusCode().is5xxServerError()) {
                        throw new ProviderUnavailableException("ModelsLabs answered HTTP " + response.getStatusCode().value());
                    }
                    return ModelsLabAnswer.read(node);
                });
    }
}
