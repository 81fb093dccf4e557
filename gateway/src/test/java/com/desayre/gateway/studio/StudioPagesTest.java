package com.desayre.gateway.studio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Each page's path (and its sub-paths) answers the studio; other paths stay the gateway's 404. */
class StudioPagesTest {
    private final ClassPathResource index = new ClassPathResource("static/index.html");
    private final WebTestClient client = WebTestClient.bindToRouterFunction(new StudioPages().studioPagePaths(index)).build();

    @Test
    void everyPageAndItsSubPathsAnswerTheStudioUncached() throws IOException {
        var studio = index.getContentAsString(StandardCharsets.UTF_8);
        for (var page : StudioPages.PAGES) {
            assertThat(studio).as("index.html has a section for " + page).contains("id=\"page-" + page + "\"");
            var paths = StudioPages.WHOLE_PAGES.contains(page) ? new String[] {"/" + page}
                    : new String[] {"/" + page, "/" + page + "/", "/" + page + "/j-1/more"};
            for (var path : paths) {
                client.get().uri(path).exchange().expectStatus().isOk()
                        .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                        .expectHeader().cacheControl(org.springframework.http.CacheControl.noCache())
                        .expectBody(String.class).isEqualTo(studio);
            }
        }
    }

    @Test
    void otherPathsAreNotPages() {
        for (var path : new String[] {"/imagesx", "/api/images", "/nope", "/studio.js", "/studio/api.js", "/login/x"}) {
            client.get().uri(path).exchange().expectStatus().isNotFound();
        }
        client.post().uri("/studio").exchange().expectStatus().isNotFound();
    }

    @Test
    void aBrowserLoadingAPathThatIsNoPageGetsTheStudiosNothingHereWithA404() throws IOException {
        var studio = index.getContentAsString(StandardCharsets.UTF_8);
        var browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        for (var path : new String[] {"/nope", "/images-old/x", "/studio/x"}) {
            var expected = path.startsWith("/studio/") ? 0 : 1;
            var answer = client.get().uri(path).header("Accept", browser).exchange().expectStatus().isNotFound()
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(studio.equals(answer) ? 1 : 0).as(path).isEqualTo(expected);
        }
        // files, the API, the OpenAPI pages and programs that do not ask for HTML are not the studio's
        for (var path : new String[] {"/missing.js", "/api/nope", "/swagger-ui/index.html", "/actuator/x", "/problems/x"}) {
            client.get().uri(path).header("Accept", browser).exchange().expectStatus().isNotFound()
                    .expectBody().isEmpty();
        }
        client.get().uri("/nope").header("Accept", "application/json").exchange().expectStatus().isNotFound().expectBody().isEmpty();
        client.get().uri("/nope").header("Accept", "*/*").exchange().expectStatus().isNotFound().expectBody().isEmpty();
    }
}
