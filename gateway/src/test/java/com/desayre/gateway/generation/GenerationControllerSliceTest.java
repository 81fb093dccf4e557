package com.desayre.gateway.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.RequestRules;
import com.desayre.encoder.core.PromptEncoder;
import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.history.HistoryRepository;
import com.desayre.gateway.limits.GenerationLimits;
import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.RequestValidator;
import com.desayre.gateway.webhooks.RequestWebhooks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generation controllers over HTTP, without Kafka, Redis or a database: the request records bound and checked by
 * Spring, every wrong field in one problem, and what a valid request becomes. The encoder is the real one (pure);
 * the collaborators that need a server are Mockito beans (Submissions publishes to Kafka and keeps idempotency keys in
 * Redis, the history reads PostgreSQL, the limits Redis, uploads the media store): here they only have to answer.
 */
@WebFluxTest(controllers = {GenerationController.class, PromptController.class},
        properties = "desayre.media.dir=target/slice-media") // the application imports the media store; nothing is stored
@Import({RequestValidator.class, GenerationControllerSliceTest.Beans.class})
class GenerationControllerSliceTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    WebTestClient client;
    @MockitoBean
    Submissions submissions;
    @MockitoBean
    HistoryRepository history;
    @MockitoBean
    Uploads uploads;
    @MockitoBean
    GenerationLimits limits;
    @MockitoBean
    RequestWebhooks webhooks;

    @TestConfiguration(proxyBeanMethods = false)
    @EnableWebFluxSecurity
    static class Beans {
        @Bean
        PromptChecks promptChecks(PromptEncoder encoder) {
            return new PromptChecks(encoder);
        }

        @Bean
        MultipartForms multipartForms() {
            return new MultipartForms(new UploadSettings(null, null, null, null, null, null, null, null, null)); // the defaults
        }

        /** Everyone is signed in as alice: the security rules are AccountsIT's; the slice is about the bodies. */
        @Bean
        SecurityWebFilterChain signedIn(ServerHttpSecurity http) {
            return http.authorizeExchange(exchange -> exchange.anyExchange().permitAll())
                    .csrf(ServerHttpSecurity.CsrfSpec::disable)
                    .anonymous(anonymous -> anonymous.principal(new CurrentUser("alice", false)))
                    .build();
        }
    }

    @Test
    void aWebhookUrlIsCheckedFirstAndRegisteredForTheJobsBeforeTheyArePublished() {
        var url = "https://93.184.216.34/hook";
        when(webhooks.check(url)).thenReturn(Mono.just(url));
        when(webhooks.register(anyString(), anyString(), anyList())).thenReturn(Mono.empty());
        when(submissions.submit(anyList(), any(), anyString(), any(java.util.function.Function.class)))
                .thenReturn(Mono.just(ResponseEntity.status(HttpStatus.ACCEPTED).build()));
        client.post().uri("/api/generate/image").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"prompt\":\"a lighthouse at dusk\",\"n\":2,\"webhookUrl\":\"" + url + "\"}")
                .exchange().expectStatus().isAccepted();
        @SuppressWarnings("unchecked")
        ArgumentCaptor<java.util.function.Function<List<String>, Mono<Void>>> hook = ArgumentCaptor.forClass(java.util.function.Function.class);
        verify(submissions).submit(anyList(), any(), anyString(), hook.capture());
        hook.getValue().apply(List.of("j1", "j2")).block();
        verify(webhooks).register("alice", url, List.of("j1", "j2"));
    }

    @Test
    void aRefusedWebhookUrlStopsTheRequestBeforeAnythingIsSubmitted() {
        when(webhooks.check("http://127.0.0.1/hook")).thenReturn(Mono.error(new ApiProblem(HttpStatus.BAD_REQUEST, "webhook-url-refused",
                "Webhook URL refused", "The host 127.0.0.1 resolves to 127.0.0.1, a loopback address.", java.util.Map.of())));
        for (var path : List.of("/api/generate/image", "/api/generate/video")) {
            client.post().uri(path).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"prompt\":\"a lighthouse at dusk\",\"webhookUrl\":\"http://127.0.0.1/hook\"}")
                    .exchange().expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.type").isEqualTo("/problems/webhook-url-refused");
        }
        verifyNoInteractions(submissions);
    }

    @Test
    void anEditStartsFromAStoredImageThoughTheHistoryIsStillAStatusBehindButNotFromAFailedJob() {
        when(submissions.submit(anyList(), any(), anyString())).thenReturn(Mono.just(ResponseEntity.status(HttpStatus.ACCEPTED).build()));
        var image = new HistoryRepository.MediaRow(0, "media/src/0.png", null, "image/png", 1024, 1024, 10, "ab", null, 7L);
        when(history.media(List.of("src"))).thenReturn(Mono.just(java.util.Map.of("src", List.of(image))));
        for (var status : List.of("STORING", "COMPLETED", "FAILED", "CANCELLED")) {
            when(history.job("src")).thenReturn(Mono.just(sourceRow(status)));
            var answer = client.post().uri("/api/generate/edit").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"prompt\":\"make it dusk\",\"sourceJobId\":\"src\",\"aspectRatio\":\"1:1\"}").exchange();
            if (status.equals("FAILED") || status.equals("CANCELLED")) {
                answer.expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("sourceJobId");
            } else {
                answer.expectStatus().isAccepted();
            }
        }
    }

    private static HistoryRepository.Row sourceRow(String status) {
        var now = java.time.Instant.now();
        return new HistoryRepository.Row("src", "alice", "IMAGE", status, null, null, null, "a lighthouse", null, null, null,
                null, null, "1:1", 7L, null, null, true, null, null, null, null, now, now, null);
    }

    @Test
    void aValidImageRequestBecomesItsJobs() {
        when(submissions.submit(anyList(), any(), anyString())).thenReturn(Mono.just(ResponseEntity.status(HttpStatus.ACCEPTED).build()));
        client.post().uri("/api/generate/image").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"prompt\":\"a lighthouse at dusk\",\"aspectRatio\":\"16:9\",\"seed\":7,\"n\":2,\"priority\":\"BATCH\"}")
                .exchange().expectStatus().isAccepted();
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<JobSpec>> specs = ArgumentCaptor.forClass(List.class);
        verify(submissions).submit(specs.capture(), any(), anyString());
        assertThat(specs.getValue()).hasSize(2).allSatisfy(spec -> {
            assertThat(spec.ownerId()).isEqualTo("alice");
            assertThat(spec.kind()).isEqualTo(JobKind.IMAGE);
            assertThat(spec.width()).isEqualTo(1376);
            assertThat(spec.priority().name()).isEqualTo("BATCH");
            assertThat(spec.enhance()).isTrue();
        });
        assertThat(specs.getValue()).extracting(JobSpec::seed).containsExactly(7L, 8L);
    }

    @Test
    void aVideoThatNamesNoLengthOrResolutionGetsTheContractsDefaults() {
        when(submissions.submit(anyList(), any(), anyString())).thenReturn(Mono.just(ResponseEntity.status(HttpStatus.ACCEPTED).build()));
        client.post().uri("/api/generate/video").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"prompt\":\"waves rolling in\"}")
                .exchange().expectStatus().isAccepted();
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<JobSpec>> specs = ArgumentCaptor.forClass(List.class);
        verify(submissions).submit(specs.capture(), any(), anyString());
        var spec = specs.getValue().get(0);
        assertThat(spec.durationSeconds()).isEqualTo(RequestRules.DEFAULT_VIDEO_SECONDS);
        assertThat(spec.resolution()).isEqualTo(RequestRules.DEFAULT_VIDEO_RESOLUTION);
        assertThat(spec.height()).isEqualTo(480);
    }

    @Test
    void everyWrongFieldIsNamedInOneProblem() {
        var problem = invalid("/api/generate/image", "{\"prompt\":\"\",\"aspectRatio\":\"7:5\",\"seed\":-1,\"n\":9,"
                + "\"priority\":\"urgent\",\"maxWaitSeconds\":0,\"styleProfile\":\"x\\u001b[31m\"}");
        assertThat(fields(problem)).containsExactly("prompt", "aspectRatio", "seed", "styleProfile", "priority", "n", "maxWaitSeconds");
        assertThat(problem.get("detail").asString()).isEqualTo("The request has 7 problems: see errors.");
        assertThat(messages(problem)).contains("'prompt' is required: describe the image you want.", "'n' must be between 1 and 4.",
                "'priority' must be one of: interactive, batch.",
                "'styleProfile' must not contain control characters (such as NUL or a line break).");
        assertThat(messages(problem).get(1)).startsWith("'aspectRatio' must be one of: 1:1, 2:3").endsWith("('7:5' is not).");
        verify(submissions, never()).submit(anyList(), any(), anyString());
    }

    @Test
    void anUnknownFieldIsNamedWithTheKnownOnes() {
        var problem = invalid("/api/generate/image", "{\"prompt\":\"a\",\"aspect_ratio\":\"1:1\"}");
        assertThat(fields(problem)).containsExactly("aspect_ratio");
        assertThat(messages(problem).get(0)).isEqualTo("Unknown field 'aspect_ratio'. Known fields: aspectRatio, enhance, "
                + "maxWaitSeconds, n, priority, prompt, seed, styleProfile, webhookUrl.");
    }

    @Test
    void aValueOfTheWrongTypeIsNamedNotConverted() {
        assertThat(messages(invalid("/api/generate/image", "{\"prompt\":\"a\",\"n\":\"2\"}"))).containsExactly("'n' must be a whole number.");
        assertThat(messages(invalid("/api/generate/image", "{\"prompt\":\"a\",\"n\":1.5}"))).containsExactly("'n' must be a whole number.");
        assertThat(messages(invalid("/api/generate/image", "{\"prompt\":5}"))).containsExactly("'prompt' must be a string.");
        assertThat(messages(invalid("/api/generate/image", "{\"prompt\":\"a\",\"enhance\":1}"))).containsExactly("'enhance' must be true or false.");
        assertThat(messages(invalid("/api/generate/image", "{\"prompt\":\"a\",\"seed\":12200160415121876154}")))
                .containsExactly("'seed' must be a whole number.");
        assertThat(messages(invalid("/api/generate/image", "[1,2]"))).containsExactly("The body must be a JSON object.");
    }

    @Test
    void aBodyThatIsNotJsonIsMalformed() {
        var problem = client.post().uri("/api/generate/image").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"prompt\":")
                .exchange().expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();
        assertThat(JSON.readTree(problem).get("type").asString()).isEqualTo("/problems/malformed-json");
    }

    @Test
    void anEditAsJsonNeedsItsSource() {
        var problem = invalid("/api/generate/edit", "{\"prompt\":\"make it dusk\",\"aspectRatio\":\"21:9\"}");
        assertThat(fields(problem)).containsExactly("sourceJobId", "aspectRatio");
        assertThat(messages(problem).get(1)).contains("or left out to keep the source's shape");
    }

    @Test
    void aMultipartFormIsCheckedByTheSameRecordBeforeItsUploadIsRead() {
        var form = new MultipartBodyBuilder();
        form.part("prompt", "");
        form.part("n", "two");
        form.part("durationSeconds", "99");
        form.part("image", new byte[] {1, 2, 3}).filename("a.png").contentType(MediaType.IMAGE_PNG);
        var body = client.post().uri("/api/generate/video").body(BodyInserters.fromMultipartData(form.build()))
                .exchange().expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody();
        var problem = JSON.readTree(body);
        assertThat(problem.get("type").asString()).isEqualTo("/problems/invalid-request");
        assertThat(fields(problem)).containsExactly("n");
        var second = new MultipartBodyBuilder();
        second.part("prompt", "");
        second.part("durationSeconds", "99");
        second.part("image", new byte[] {1, 2, 3}).filename("a.png").contentType(MediaType.IMAGE_PNG);
        var both = JSON.readTree(client.post().uri("/api/generate/video").body(BodyInserters.fromMultipartData(second.build()))
                .exchange().expectStatus().isBadRequest().expectBody(String.class).returnResult().getResponseBody());
        assertThat(fields(both)).containsExactly("prompt", "durationSeconds");
        assertThat(messages(both)).contains("'prompt' is required: describe the motion or scene you want.");
        verify(uploads, never()).check(anyString(), any());
    }

    @Test
    void aPreviewShowsWhatTheEncoderWouldSend() {
        var body = client.post().uri("/api/prompts/preview").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"prompt\":\"a lighthouse\",\"kind\":\"VIDEO\"}")
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        var preview = JSON.readTree(body);
        assertThat(preview.get("provider").asString()).isEqualTo("xai");
        assertThat(preview.get("prompt").asString()).contains("lighthouse");
        var problem = invalid("/api/prompts/preview", "{\"prompt\":\"a\",\"kind\":\"audio\",\"sourceImage\":\"yes\"}");
        assertThat(fields(problem)).containsExactly("sourceImage");
        assertThat(fields(invalid("/api/prompts/preview", "{\"kind\":\"audio\"}"))).containsExactly("prompt", "kind");
    }

    private JsonNode invalid(String path, String json) {
        var body = client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class).returnResult().getResponseBody();
        var problem = JSON.readTree(body);
        assertThat(problem.get("type").asString()).as(body).isEqualTo("/problems/invalid-request");
        assertThat(problem.get("title").asString()).isEqualTo("Invalid request");
        return problem;
    }

    private static List<String> fields(JsonNode problem) {
        var fields = new ArrayList<String>();
        problem.get("errors").forEach(error -> fields.add(error.get("field").asString()));
        return fields;
    }

    private static List<String> messages(JsonNode problem) {
        var messages = new ArrayList<String>();
        problem.get("errors").forEach(error -> messages.add(error.get("message").asString()));
        return messages;
    }
}
