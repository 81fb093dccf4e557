package com.desayre.gateway.history;

import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.ProblemTypes;
import com.desayre.platform.MediaLinks;
import com.desayre.platform.MediaStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Serves an edit's or a video's source image to the provider that must fetch it, with no sign-in:
 * the link itself, signed by a worker with {@link MediaLinks} and expiring, is the permission.
 * A wrong, expired or unsigned link, or no link secret configured, is a 404 like a missing object.
 */
@RestController
class SourceLinkController {
    private final MediaStore store;
    private final ObjectProvider<MediaLinks> links;
    private final MediaController media;

    SourceLinkController(MediaStore store, ObjectProvider<MediaLinks> links, MediaController media) {
        this.store = store;
        this.links = links;
        this.media = media;
    }

    @Operation(operationId = "downloadSourceImage", summary = "An edit's or video's source image, for the provider fetching it",
            description = "No sign-in: the signed, expiring link a worker made is the permission.")
    @ApiResponse(responseCode = "200", description = "The image", content = {
            @Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
            @Content(mediaType = "image/jpeg", schema = @Schema(type = "string", format = "binary")),
            @Content(mediaType = "image/webp", schema = @Schema(type = "string", format = "binary"))})
    @ProblemTypes({"not-found"})
    @GetMapping(MediaLinks.SOURCE_PATH + "{*key}")
    Mono<ResponseEntity<Flux<DataBuffer>>> source(@PathVariable String key,
                                                   @RequestParam(required = false) String expires,
                                                   @RequestParam(required = false) String signature) {
        var objectKey = key.startsWith("/") ? key.substring(1) : key;
        var signer = links.getIfAvailable();
        var notFound = ApiProblem.notFound("This source link does not exist or has expired.");
        if (signer == null || !signer.verify(objectKey, expires, signature)) {
            return Mono.error(notFound);
        }
        return Mono.fromCallable(() -> store.stat(objectKey)).subscribeOn(Schedulers.boundedElastic())
                .flatMap(object -> object.map(Mono::just).orElseGet(() -> Mono.error(notFound)))
                .map(object -> media.respond(objectKey, object, null, null));
    }
}
