package com.desayre.gateway.accounts;

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
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/** PUT /api/preferences over HTTP; the store (PostgreSQL) is a Mockito bean that only answers. AccountsIT stores them for real. */
@WebFluxTest(controllers = PreferencesController.class, properties = SliceSecurity.MEDIA_DIR)
@Import({SliceSecurity.class, RequestValidator.class})
class PreferencesControllerSliceTest {
    @Autowired
    WebTestClient client;
    @MockitoBean
    PreferenceStore store;

    @Test
    void preferencesAreStoredInLowerCaseAndAnsweredAsStored() {
        var stored = new Preferences("dark", "cinematic", "16:9", "batch", false, true);
        when(store.save(SliceSecurity.ADMIN, stored)).thenReturn(Mono.empty());
        client.put().uri("/api/preferences").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"theme\":\"DARK\",\"styleProfile\":\" cinematic \",\"aspectRatio\":\"16:9\",\"lane\":\"Batch\","
                        + "\"enhance\":false,\"notifications\":true}")
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.theme").isEqualTo("dark").jsonPath("$.lane").isEqualTo("batch")
                .jsonPath("$.styleProfile").isEqualTo("cinematic");
        verify(store).save(SliceSecurity.ADMIN, stored);
    }

    @Test
    void anEmptyBodyClearsEveryPreference() {
        when(store.save(SliceSecurity.ADMIN, Preferences.NONE)).thenReturn(Mono.empty());
        client.put().uri("/api/preferences").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"styleProfile\":\"  \"}")
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.theme").isEmpty();
        verify(store).save(SliceSecurity.ADMIN, Preferences.NONE);
    }

    @Test
    void wordsOutsideTheirListsAreRefusedEachByName() {
        var refused = invalid(client, "PUT", "/api/preferences",
                "{\"theme\":\"sepia\",\"aspectRatio\":\"7:5\",\"lane\":\"fast\",\"styleProfile\":\"a\\u0000b\"}");
        assertThat(fields(refused)).containsExactly("theme", "styleProfile", "aspectRatio", "lane");
        assertThat(messages(refused)).contains("'theme' must be one of: system, light, dark.", "'lane' must be one of: interactive, batch.");
        assertThat(fields(invalid(client, "PUT", "/api/preferences", "{\"theme\":\"dark\",\"font\":\"serif\"}"))).containsExactly("font");
        assertThat(fields(invalid(client, "PUT", "/api/preferences", "{\"enhance\":\"yes\"}"))).containsExactly("enhance");
        assertThat(fields(invalid(client, "PUT", "/api/preferences", "{\"styleProfile\":\"" + "s".repeat(65) + "\"}")))
                .containsExactly("styleProfile");
        verify(store, never()).save(anyString(), any());
    }
}
