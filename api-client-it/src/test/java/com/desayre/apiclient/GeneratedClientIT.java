package com.desayre.apiclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.desayre.client.ApiClient;
import com.desayre.client.ApiException;
import com.desayre.client.api.AccountsApi;
import com.desayre.client.api.GenerationApi;
import com.desayre.client.api.HistoryApi;
import com.desayre.client.api.JobsApi;
import com.desayre.client.model.ImageRequest;
import com.desayre.client.model.JobView;
import com.desayre.client.model.Credentials;
import com.desayre.local.ServiceStack;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import com.desayre.testsupport.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's OpenAPI document generates a client that works: the Java client the build generates from it
 * ({@code openapi-generator}, library {@code native}: the JDK's HttpClient and Jackson) signs in, makes an image,
 * follows it to COMPLETED and downloads the PNG, against the whole studio (every service, the provider simulator, the
 * test kit's real Kafka, PostgreSQL, Redis and S3), with no hand-written HTTP.
 */
class GeneratedClientIT {
    private static final String PASSWORD = "a generated client's admin passphrase";

    private static ProviderSimulator simulator;
    private static ServiceStack stack;
    private static String base;

    @BeforeAll
    static void startTheStudio() {
        simulator = ProviderSimulator.start(SimulatorSettings.defaults());
        var common = new HashMap<String, Object>(TestServers.springProperties());
        common.put("desayre.modelslabs.base-url", simulator.baseUrl());
        common.put("desayre.modelslabs.api-key", "test-key");
        common.put("desayre.xai.base-url", simulator.baseUrl());
        common.put("desayre.xai.api-key", "test-key");
        common.put("desayre.data-dir", System.getProperty("java.io.tmpdir") + "/api-client-data");
        stack = ServiceStack.start(common, Map.of("server.port", 0,
                "desayre.auth.jwt-secret", "a generated client test's secret of at least 32 bytes",
                "desayre.auth.admin-password", PASSWORD));
        base = "http://127.0.0.1:" + stack.gatewayPort();
        // ready = the gateway's status stream is assigned, so no status of ours is missed
        var http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(120)).until(() -> http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health"))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void signInMakeAnImageFollowItToCompletedAndDownloadIt() throws Exception {
        var client = client();
        // the sign-in answer has no schema of its own yet: a map
        var session = (Map<?, ?>) new AccountsApi(client).signIn(new Credentials().username("admin").password(PASSWORD));
        signedIn(client, (String) session.get("token"));

        var submission = new GenerationApi(client).generateImage(new ImageRequest().prompt("a lighthouse at dusk").seed(7L), null);
        var accepted = submission.getAccepted();
        assertThat(accepted.getStatus()).isEqualTo("QUEUED");
        assertThat(accepted.getStatusUrl()).isEqualTo("/api/jobs/" + accepted.getJobId());

        var jobs = new JobsApi(client);
        var done = new JobView[1];
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            done[0] = jobs.getJob(accepted.getJobId());
            return done[0].getStatus().equals("COMPLETED");
        });
        var media = done[0].getMedia().get(0);
        assertThat(media.getMimeType()).isEqualTo("image/png");
        assertThat(media.getWidth()).isPositive();
        assertThat(media.getHeight()).isPositive();

        var file = media.getUrl().substring(media.getUrl().lastIndexOf('/') + 1);
        var png = new HistoryApi(client).downloadMedia(accepted.getJobId(), file, null, null);
        assertThat(png).hasSize(media.getBytes());
        var image = ImageIO.read(png);
        assertThat(image.getWidth()).isEqualTo(media.getWidth());
        assertThat(image.getHeight()).isEqualTo(media.getHeight());
    }

    @Test
    void refusalsArriveAsProblemsTheClientCanRead() {
        var anonymous = client();
        assertThatThrownBy(() -> new JobsApi(anonymous).getJob("no-such-job")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.getCode()).isEqualTo(401);
            assertThat(e.getResponseHeaders().firstValue("Content-Type")).hasValueSatisfying(type ->
                    assertThat(type).startsWith("application/problem+json"));
            assertThat(e.getResponseBody()).contains("\"type\":\"/problems/unauthorized\"");
        });
    }

    private static ApiClient client() {
        var client = new ApiClient();
        client.updateBaseUri(base);
        client.setReadTimeout(Duration.ofSeconds(60));
        return client;
    }

    /** Every request of this client carries the credential, as the document's bearer and apiKey schemes say. */
    private static void signedIn(ApiClient client, String credential) {
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + credential));
    }
}
