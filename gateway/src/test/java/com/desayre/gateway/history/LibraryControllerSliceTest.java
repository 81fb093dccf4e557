package com.desayre.gateway.history;

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
import com.desayre.gateway.messaging.JobPublisher;
import com.desayre.gateway.web.RequestValidator;
import com.desayre.platform.MediaStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The libraries' endpoints over HTTP, and the history filters they added: every refusal names its field
 * (400 /problems/invalid-request), someone else's job is a 404 like a missing one, and nothing is written or
 * streamed for a refused request. The stores are Mockito beans here; LibraryStoreIT runs them on the real PostgreSQL.
 */
@WebFluxTest(controllers = {LibraryController.class, HistoryController.class}, properties = SliceSecurity.MEDIA_DIR)
@Import({SliceSecurity.class, RequestValidator.class, VisibleJobs.class})
class LibraryControllerSliceTest {
    @Autowired
    WebTestClient client;
    @MockitoBean
    HistoryRepository history;
    @MockitoBean
    Library library;
    @MockitoBean
    MediaZip zips;
    @MockitoBean
    MediaStore store;
    @MockitoBean
    MediaController media;
    @MockitoBean
    MediaUrls urls;
    @MockitoBean
    JobPublisher publisher;

    private static HistoryRepository.Row job(String id, String owner) {
        return new HistoryRepository.Row(id, owner, "IMAGE", "COMPLETED", null, null, null, "a lighthouse", null, null, null, null,
                null, null, 7L, null, null, null, null, null, null, null, Instant.EPOCH, Instant.EPOCH, Instant.EPOCH);
    }

    @Test
    void historyFiltersThatAreNotValuesAreRefusedByName() {
        for (var query : Map.of("kind=image,,edit", "kind", "kind=image,sketch", "kind", "favourite=maybe", "favourite",
                "model=" + "m".repeat(201), "model", "from=2026-11-25&to=2026-11-24", "to", "from=yesterday", "from").entrySet()) {
            var problem = client.get().uri("/api/history?" + query.getKey()).exchange()
                    .expectStatus().isBadRequest()
                    .expectBody(tools.jackson.databind.JsonNode.class).returnResult().getResponseBody();
            assertThat(problem.get("type").asString()).as(query.getKey()).isEqualTo("/problems/invalid-request");
            assertThat(problem.get("errors").get(0).get("field").asString()).as(query.getKey()).isEqualTo(query.getValue());
        }
        verify(history, never()).page(any(), any(), org.mockito.ArgumentMatchers.anyInt());
    }

    @Test
    void aPageFiltersByKindsModelAndTheCallersFavourites() {
        when(history.page(any(), any(), org.mockito.ArgumentMatchers.anyInt())).thenReturn(Flux.just(job("j1", SliceSecurity.ADMIN)));
        when(history.media(List.of("j1"))).thenReturn(Mono.just(Map.of()));
        when(library.favourites(SliceSecurity.ADMIN, List.of("j1"))).thenReturn(Mono.just(Set.of("j1")));
        client.get().uri("/api/history?kind=image,EDIT&model=nano-banana&favourite=1").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.items[0].favourite").isEqualTo(true).jsonPath("$.items[0].seed").isEqualTo(7)
                .jsonPath("$.items[0].seedUsed").isEqualTo(7);
        var filter = org.mockito.ArgumentCaptor.forClass(HistoryRepository.Filter.class);
        verify(history).page(filter.capture(), any(), org.mockito.ArgumentMatchers.anyInt());
        assertThat(filter.getValue().kinds()).containsExactlyInAnyOrder(com.desayre.contracts.JobKind.IMAGE, com.desayre.contracts.JobKind.EDIT);
        assertThat(filter.getValue().model()).isEqualTo("nano-banana");
        assertThat(filter.getValue().favouritesOf()).isEqualTo(SliceSecurity.ADMIN);
    }

    @Test
    void aZipNeedsOneToAHundredJobIds() {
        assertThat(fields(invalid(client, "POST", "/api/history/zip", "{}"))).containsExactly("jobIds");
        assertThat(messages(invalid(client, "POST", "/api/history/zip", "{\"jobIds\":[]}"))).containsExactly("'jobIds' must list 1 to 100 jobs.");
        var tooMany = IntStream.range(0, 101).mapToObj(i -> "\"j" + i + "\"").collect(Collectors.joining(",", "{\"jobIds\":[", "]}"));
        assertThat(messages(invalid(client, "POST", "/api/history/zip", tooMany))).containsExactly("'jobIds' must list 1 to 100 jobs.");
        assertThat(messages(invalid(client, "POST", "/api/history/zip-links", tooMany))).containsExactly("'jobIds' must list 1 to 100 jobs.");
        assertThat(fields(invalid(client, "POST", "/api/history/zip", "{\"jobIds\":[\" \"]}"))).containsExactly("jobIds");
        assertThat(fields(invalid(client, "POST", "/api/history/zip", "{\"jobIds\":\"j1\"}"))).containsExactly("jobIds");
        verify(zips, never()).zip(any());
        verify(library, never()).newZipLink(anyString(), any());
    }

    @Test
    void aZipOfSomeoneElsesJobIsNotFoundAndNothingIsStreamed() {
        when(history.jobs(List.of("mine", "theirs"))).thenReturn(Flux.just(job("mine", SliceSecurity.ADMIN)));
        client.post().uri("/api/history/zip-links").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"jobIds\":[\"mine\",\"theirs\"]}")
                .exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("/problems/not-found").jsonPath("$.detail").isEqualTo("There is no job theirs in your history.");
        verify(zips, never()).zip(any());
        verify(library, never()).newZipLink(anyString(), any());
    }

    @Test
    void aZipOfJobsWithoutFilesIsRefused() {
        when(history.jobs(List.of("failed"))).thenReturn(Flux.just(job("failed", SliceSecurity.ADMIN)));
        when(history.media(List.of("failed"))).thenReturn(Mono.just(Map.of()));
        assertThat(messages(invalid(client, "POST", "/api/history/zip", "{\"jobIds\":[\"failed\"]}")))
                .containsExactly("That job has no files (it failed, was cancelled or is still running).");
        verify(zips, never()).zip(any());
    }

    @Test
    void anExpiredOrForeignZipLinkIsNotFound() {
        when(library.zipLink(SliceSecurity.ADMIN, "old")).thenReturn(Mono.empty());
        client.get().uri("/api/history/zip/old").exchange().expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void aFavouriteOfAJobYouCannotSeeIsNotFoundAndNothingIsWritten() {
        when(history.job("nope")).thenReturn(Mono.empty());
        client.put().uri("/api/history/nope/favourite").exchange().expectStatus().isNotFound();
        client.delete().uri("/api/history/nope/favourite").exchange().expectStatus().isNotFound();
        verify(library, never()).favour(anyString(), anyString());
        verify(library, never()).unfavour(anyString(), anyString());
        when(history.job("j1")).thenReturn(Mono.just(job("j1", SliceSecurity.ADMIN)));
        when(library.favour(SliceSecurity.ADMIN, "j1")).thenReturn(Mono.empty());
        client.put().uri("/api/history/j1/favourite").exchange().expectStatus().isNoContent();
        verify(library).favour(SliceSecurity.ADMIN, "j1");
    }

    @Test
    void aDownloadOfAFileThatIsNotThereIsNotFound() {
        when(history.job("j1")).thenReturn(Mono.just(job("j1", SliceSecurity.ADMIN)));
        when(history.media(List.of("j1"))).thenReturn(Mono.just(Map.of()));
        client.get().uri("/api/history/j1/download/1").exchange().expectStatus().isNotFound();
        client.get().uri("/api/history/j1/download/x").exchange().expectStatus().isNotFound();
    }
}
