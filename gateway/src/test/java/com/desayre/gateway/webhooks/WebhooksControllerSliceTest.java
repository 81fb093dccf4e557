package com.desayre.gateway.webhooks;

import static com.desayre.gateway.SliceProblems.fields;
import static com.desayre.gateway.SliceProblems.invalid;
import static com.desayre.gateway.SliceProblems.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.desayre.gateway.SliceSecurity;
import com.desayre.gateway.web.RequestValidator;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * /api/webhooks over HTTP with the real URL rule (private targets not allowed); Webhooks (PostgreSQL) is a Mockito
 * bean that only has to answer (WebhooksStoreIT runs it for real).
 */
@WebFluxTest(controllers = WebhooksController.class, properties = SliceSecurity.MEDIA_DIR)
@Import({SliceSecurity.class, RequestValidator.class, WebhookUrls.class})
@EnableConfigurationProperties(WebhookSettings.class)
class WebhooksControllerSliceTest {
    private static final String PUBLIC_URL = "https://93.184.216.34/hooks";
    private static final UUID ID = UUID.fromString("6f1c1a52-0000-4000-8000-000000000001");

    @Autowired
    WebTestClient client;
    @MockitoBean
    Webhooks webhooks;

    @Test
    void anEndpointIsRegisteredAndItsSecretShownOnce() {
        when(webhooks.create(SliceSecurity.ADMIN, PUBLIC_URL, List.of("job.completed", "JOB.FAILED"), "ci"))
                .thenReturn(Mono.just(new Webhooks.CreatedEndpoint(ID, PUBLIC_URL, List.of("job.completed", "job.failed"), "ci", true,
                        Instant.EPOCH, "whsec_c2VjcmV0")));
        client.post().uri("/api/webhooks").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"url\":\"" + PUBLIC_URL + "\",\"events\":[\"job.completed\",\"JOB.FAILED\"],\"description\":\"ci\"}").exchange()
                .expectStatus().isCreated()
                .expectHeader().location("/api/webhooks/" + ID)
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody().jsonPath("$.secret").isEqualTo("whsec_c2VjcmV0").jsonPath("$.events[1]").isEqualTo("job.failed");
    }

    @Test
    void urlsThatCouldReachInsideAreRefusedBeforeAnythingIsStored() {
        for (var url : new String[] {"http://127.0.0.1:8080/hook", "http://169.254.169.254/latest/meta-data/", "http://[fd00::1]/",
                "http://10.0.0.7/", "http://100.64.1.1/", "file:///etc/passwd", "https://user:pw@93.184.216.34/", "ftp://93.184.216.34/"}) {
            var problem = client.post().uri("/api/webhooks").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"url\":\"" + url + "\",\"events\":[\"job.completed\"]}").exchange()
                    .expectStatus().isBadRequest()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(problem).as(url).contains("\"type\":\"/problems/webhook-url-refused\"").doesNotContain("Exception");
        }
        verify(webhooks, never()).create(anyString(), anyString(), any(), any());
    }

    @Test
    void aRequestWithoutUrlOrEventsOrWithUnknownEventsIsRefused() {
        assertThat(messages(invalid(client, "POST", "/api/webhooks", "{}"))).containsExactly(
                "'url' is required: the https:// URL DESAYRE should call.",
                "'events' is required: the events to send, e.g. [\"job.completed\", \"job.failed\"].");
        assertThat(fields(invalid(client, "POST", "/api/webhooks", "{\"url\":\"" + PUBLIC_URL + "\",\"events\":[\"job.exploded\"]}")))
                .hasSize(1).allMatch(field -> field.startsWith("events"));
        assertThat(fields(invalid(client, "POST", "/api/webhooks", "{\"url\":\"" + PUBLIC_URL + "\",\"events\":[\"job.failed\"],\"secret\":\"x\"}")))
                .containsExactly("secret");
        assertThat(messages(invalid(client, "PATCH", "/api/webhooks/" + ID, "{}")))
                .containsExactly("Send 'events', 'enabled' and/or 'description'.");
        verify(webhooks, never()).create(anyString(), anyString(), any(), any());
    }

    @Test
    void theDeliveryLogPageIsBounded() {
        client.get().uri("/api/webhooks/" + ID + "/deliveries?limit=0").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("limit");
    }
}
