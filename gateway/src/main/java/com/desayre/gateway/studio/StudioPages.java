package com.desayre.gateway.studio;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;

import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * One URL per studio page. Every page is the same document (the studio is one set of ES modules); the
 * paths below only decide that the gateway answers it rather than 404, and the studio's router shows
 * the page. A page's sub-paths (a job's details at {@code /images/{jobId}}) are the router's to read.
 */
@Configuration(proxyBeanMethods = false)
class StudioPages {
    /** The studio's pages; keep in step with the sections of index.html and studio/route-rules.js. */
    static final List<String> PAGES = List.of("login", "studio", "images", "videos", "admin", "settings");

    /** Pages with no sub-paths: /studio/… is the directory of the studio's own ES modules. */
    static final List<String> WHOLE_PAGES = List.of("login", "studio");

    @Bean
    RouterFunction<ServerResponse> studioPagePaths(@Value("classpath:/static/index.html") Resource studio) {
        RequestPredicate anyPage = PAGES.stream()
                .map(page -> WHOLE_PAGES.contains(page) ? GET("/" + page) : GET("/" + page).or(GET("/" + page + "/**")))
                .reduce(RequestPredicate::or).orElseThrow();
        // no-cache: a reload after an upgrade always gets the index that names the current modules
        return RouterFunctions.route(anyPage, request -> ServerResponse.ok()
                        .contentType(MediaType.TEXT_HTML).cacheControl(CacheControl.noCache()).bodyValue(studio))
                // a person who mistypes an address sees the studio's "Nothing here" page, still a 404
                .andRoute(GET("/**").and(StudioPages::browserNavigation), request -> ServerResponse.status(HttpStatus.NOT_FOUND)
                        .contentType(MediaType.TEXT_HTML).cacheControl(CacheControl.noCache()).bodyValue(studio));
    }

    /**
     * A browser loading a page (its Accept names text/html) at a path no one else answers: not the API, the
     * OpenAPI pages, actuator or problem types, and not a file (a missing /studio/x.js stays a plain 404).
     */
    static boolean browserNavigation(ServerRequest request) {
        var path = request.path();
        var lastSegment = path.substring(path.lastIndexOf('/') + 1);
        return !path.equals("/") && !lastSegment.contains(".") && NOT_PAGES.stream().noneMatch(path::startsWith)
                && request.headers().accept().stream().anyMatch(type -> type.equalsTypeAndSubtype(MediaType.TEXT_HTML));
    }

    private static final List<String> NOT_PAGES = List.of("/api/", "/v3/", "/swagger-ui", "/webjars/", "/actuator", "/problems/",
            "/studio/");
}
