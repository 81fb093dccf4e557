package com.desayre.gateway;

import com.desayre.platform.MediaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Serves stored media to the users allowed to see the job it belongs to. Objects never change
 * under a key once the job completed, so they carry an ETag and a private cache lifetime.
 */
@RestController
class MediaController {
    private static final int CHUNK = 64 * 1024;

    private final MediaStore store;
    private final StatusCache cache;

    MediaController(MediaStore store, StatusCache cache) {
        this.store = store;
        this.cache = cache;
    }

    @GetMapping(MediaUrls.MEDIA_PATH + "{jobId}/{file}")
    Mono<ResponseEntity<Flux<DataBuffer>>> media(@PathVariable String jobId, @PathVariable String file,
                                                  @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
                                                  CurrentUser user) {
        var key = jobId + "/" + file;
        var notFound = ApiProblem.notFound("There is no media " + key + " that you can see.");
        return cache.latest(jobId)
                .filter(status -> user.maySee(status.ownerId())
                        && status.media().stream().anyMatch(m -> m.key().equals(key)))
                .switchIfEmpty(Mono.error(notFound))
                .flatMap(status -> Mono.fromCallable(() -> store.stat(key)).subscribeOn(Schedulers.boundedElastic()))
                .flatMap(object -> object.map(Mono::just).orElseGet(() -> Mono.error(notFound)))
                .map(object -> {
                    var response = ResponseEntity.ok().eTag(object.etag())
                            .cacheControl(CacheControl.maxAge(Duration.ofDays(7)).cachePrivate());
                    if (object.etag().equals(ifNoneMatch)) {
                        return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(object.etag()).<Flux<DataBuffer>>build();
                    }
                    var body = DataBufferUtils.readInputStream(() -> open(key, object.size()), DefaultDataBufferFactory.sharedInstance, CHUNK)
                            .subscribeOn(Schedulers.boundedElastic());
                    return response.contentType(MediaType.parseMediaType(object.contentType()))
                            .contentLength(object.size()).body(body);
                });
    }

    private java.io.InputStream open(String key, long size) {
        try {
            return store.open(key, 0, size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
