package com.desayre.gateway.history;

import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.ProblemTypes;
import com.desayre.platform.MediaStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
 * Several ranges in one request are merged where they overlap or touch, and what is left comes
 * as {@code multipart/byteranges}.
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

    @Operation(operationId = "downloadMedia", summary = "A stored image, video or thumbnail (`.thumb.jpg`) of a job you may see",
            description = "With an ETag and private caching; HTTP Range for seeking (several ranges come as multipart/byteranges).")
    @ApiResponse(responseCode = "200", description = "The file", headers = {
            @Header(name = "ETag", schema = @Schema(type = "string")),
            @Header(name = "Accept-Ranges", schema = @Schema(type = "string", example = "bytes"))},
            content = {@Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "image/jpeg", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "video/mp4", schema = @Schema(type = "string", format = "binary"))})
    @ApiResponse(responseCode = "206", description = "The ranges asked for", headers = {
            @Header(name = "Content-Range", schema = @Schema(type = "string", example = "bytes 0-1023/52431"))},
            content = {@Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "image/jpeg", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "video/mp4", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "multipart/byteranges", schema = @Schema(type = "string", format = "binary"))})
    @ApiResponse(responseCode = "304", description = "Not modified since the ETag in If-None-Match", content = @Content)
    @ApiResponse(responseCode = "416", description = "No range asked for is in the file", content = @Content, headers =
            @Header(name = "Content-Range", schema = @Schema(type = "string", example = "bytes */52431")))
    @ProblemTypes({"not-found"})
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
        var ranges = ByteRange.parse(range, object.size());
        if (ranges.isPresent()) {
            if (ranges.get().isEmpty()) {
                return ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                        .header(HttpHeaders.CONTENT_RANGE, "bytes */" + object.size()).build();
            }
            if (ranges.get().size() == 1) {
                var r = ranges.get().get(0);
                return ResponseEntity.status(HttpStatus.PARTIAL_CONTENT).eTag(object.etag()).cacheControl(cache)
                        .header(HttpHeaders.ACCEPT_RANGES, "bytes")
                        .header(HttpHeaders.CONTENT_RANGE, contentRange(r, object.size()))
                        .contentType(type).contentLength(r.length())
                        .body(read(key, r.first(), r.length()));
            }
            return multipart(key, object, ranges.get(), cache);
        }
        return ResponseEntity.ok().eTag(object.etag()).cacheControl(cache).header(HttpHeaders.ACCEPT_RANGES, "bytes")
                .contentType(type).contentLength(object.size()).body(read(key, 0, object.size()));
    }

    /**
     * Several ranges: {@code multipart/byteranges} (RFC 9110 §14.6), each part with its own
     * Content-Type and Content-Range, read from the store one part after the other.
     */
    private ResponseEntity<Flux<DataBuffer>> multipart(String key, MediaStore.MediaObject object, List<ByteRange> ranges,
                                                       CacheControl cache) {
        var boundary = "desayre-" + UUID.randomUUID();
        var parts = new ArrayList<Flux<DataBuffer>>();
        long length = 0;
        for (int i = 0; i < ranges.size(); i++) {
            var r = ranges.get(i);
            var head = (i == 0 ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: " + object.contentType()
                    + "\r\nContent-Range: " + contentRange(r, object.size()) + "\r\n\r\n";
            parts.add(text(head));
            parts.add(read(key, r.first(), r.length()));
            length += head.getBytes(StandardCharsets.US_ASCII).length + r.length();
        }
        var tail = "\r\n--" + boundary + "--\r\n";
        parts.add(text(tail));
        length += tail.getBytes(StandardCharsets.US_ASCII).length;
        return ResponseEntity.status(HttpStatus.PARTIAL_CONTENT).eTag(object.etag()).cacheControl(cache)
                .header(HttpHeaders.ACCEPT_RANGES, "bytes")
                .contentType(MediaType.parseMediaType("multipart/byteranges; boundary=" + boundary))
                .contentLength(length)
                .body(Flux.concat(parts));
    }

    private static String contentRange(ByteRange r, long size) {
        return "bytes " + r.first() + "-" + r.last() + "/" + size;
    }

    private static Flux<DataBuffer> text(String ascii) {
        return Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(ascii.getBytes(StandardCharsets.US_ASCII))));
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
