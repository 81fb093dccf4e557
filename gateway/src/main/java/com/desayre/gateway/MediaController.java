package com.desayre.gateway;

import com.desayre.platform.MediaStore;
import java.io.IOException;
import java.io.InputStream;
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
 * Serves stored media (and thumbnails) to the users allowed to see the job they belong to, with
 * an ETag, a private cache lifetime (objects never change under a key once stored) and HTTP
 * Range, so a video seeks in the browser: only the requested bytes are read from the store.
 * An id that is not yours is a 404, exactly like one that does not exist.
 */
@RestController
class MediaController {
    private static final int CHUNK = 64 * 1024;

    private final MediaStore store;
    private final HistoryRepository history;

    MediaController(MediaStore store, HistoryRepository history) {
        this.store = store;
        this.history = history;
    }

    @GetMapping(MediaUrls.MEDIA_PATH + "{jobId}/{file}")
    Mono<ResponseEntity<Flux<DataBuffer>>> media(@PathVariable String jobId, @PathVariable String file,
                                                  @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
                                                  @RequestHeader(value = HttpHeaders.RANGE, required = false) String range,
                                                  CurrentUser user) {
        var key = jobId + "/" + file;
        var notFound = ApiProblem.notFound("There is no media " + key + " that you can see.");
        return history.mediaOwner(jobId, key)
                .filter(user::maySee)
                .switchIfEmpty(Mono.error(notFound))
                .flatMap(owner -> Mono.fromCallable(() -> store.stat(key)).subscribeOn(Schedulers.boundedElastic()))
                .flatMap(object -> object.map(Mono::just).orElseGet(() -> Mono.error(notFound)))
                .map(object -> respond(key, object, ifNoneMatch, range));
    }

    ResponseEntity<Flux<DataBuffer>> respond(String key, MediaStore.MediaObject object, String ifNoneMatch, String range) {
        var cache = CacheControl.maxAge(Duration.ofDays(7)).cachePrivate();
        if (object.etag().equals(ifNoneMatch)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(object.etag()).cacheControl(cache).build();
        }
        var type = MediaType.parseMediaType(object.contentType());
        var bytes = ByteRange.parse(range, object.size());
        if (bytes.isPresent()) {
            var r = bytes.get();
            if (!r.satisfiable()) {
                return ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                        .header(HttpHeaders.CONTENT_RANGE, "bytes */" + object.size()).build();
            }
            return ResponseEntity.status(HttpStatus.PARTIAL_CONTENT).eTag(object.etag()).cacheControl(cache)
                    .header(HttpHeaders.ACCEPT_RANGES, "bytes")
                    .header(HttpHeaders.CONTENT_RANGE, "bytes " + r.first() + "-" + r.last() + "/" + object.size())
                    .contentType(type).contentLength(r.length())
                    .body(read(key, r.first(), r.length()));
        }
        return ResponseEntity.ok().eTag(object.etag()).cacheControl(cache).header(HttpHeaders.ACCEPT_RANGES, "bytes")
                .contentType(type).contentLength(object.size()).body(read(key, 0, object.size()));
    }

    private Flux<DataBuffer> read(String key, long offset, long length) {
        return DataBufferUtils.readInputStream(() -> open(key, offset, length), DefaultDataBufferFactory.sharedInstance, CHUNK)
                .subscribeOn(Schedulers.boundedElastic());
    }

    private InputStream open(String key, long offset, long length) {
        try {
            return store.open(key, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
