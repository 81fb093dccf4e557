package com.desayre.gateway.keys;

import static com.desayre.gateway.SliceProblems.fields;
import static com.desayre.gateway.SliceProblems.invalid;
import static com.desayre.gateway.SliceProblems.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.desayre.gateway.SliceSecurity;
import com.desayre.gateway.web.RequestValidator;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/** POST /api/keys over HTTP; ApiKeys (PostgreSQL) is a Mockito bean that only has to answer. */
@WebFluxTest(controllers = ApiKeysController.class, properties = SliceSecurity.MEDIA_DIR)
@Import({SliceSecurity.class, RequestValidator.class})
class ApiKeysControllerSliceTest {
    @Autowired
    WebTestClient client;
    @MockitoBean
    ApiKeys keys;

    @Test
    void aNamedKeyIsCreatedAndShownOnce() {
        when(keys.create(SliceSecurity.ADMIN, "ci")).thenReturn(Mono.just(new ApiKeys.NewKey("k1", "ci", "dsy_secret", Instant.EPOCH)));
        client.post().uri("/api/keys").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\":\" ci \"}").exchange()
                .expectStatus().isCreated()
                .expectHeader().location("/api/keys/k1")
                .expectHeader().cacheControl(org.springframework.http.CacheControl.noStore())
                .expectBody().jsonPath("$.key").isEqualTo("dsy_secret");
    }

    @Test
    void aKeyWithoutAUsableNameIsRefused() {
        assertThat(messages(invalid(client, "POST", "/api/keys", "{}")))
                .containsExactly("'name' is required: a label to recognise the key by, e.g. \"ci\".");
        assertThat(messages(invalid(client, "POST", "/api/keys", "{\"name\":\"ci\\u0000key\"}")))
                .containsExactly("'name' must not contain control characters (such as NUL or a line break).");
        assertThat(messages(invalid(client, "POST", "/api/keys", "{\"name\":\"" + "k".repeat(101) + "\"}")))
                .containsExactly("'name' may be at most 100 characters.");
        assertThat(fields(invalid(client, "POST", "/api/keys", "{\"name\":\"ci\",\"scope\":\"all\"}"))).containsExactly("scope");
        verify(keys, never()).create(anyString(), anyString());
    }
}
