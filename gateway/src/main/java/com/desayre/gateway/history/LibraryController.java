package com.desayre.gateway.history;

import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.ProblemTypes;
import com.desayre.platform.MediaStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What the libraries (/images, /videos) do with a user's jobs beyond listing them: the star (favourites), a file
 * downloaded under a meaningful name, and many jobs' files as one zip, streamed. Someone else's job is a 404, as
 * everywhere in the history.
 */
@RestController
@RequestMapping("/api/history")
class LibraryController {
    static final String ZIP_PATH = "/api/history/zip/";
    private static final MediaType ZIP = MediaType.parseMediaType("application/zip");

    private final HistoryRepository history;
    private final VisibleJobs visible;
    private final Library library;
    private final MediaZip zips;
    private final MediaStore store;
    private final MediaController media;

    LibraryController(HistoryRepository history, VisibleJobs visible, Library library, MediaZip zips,
                      MediaStore store, MediaController media) {
        this.history = history;
        this.visible = visible;
        this.library = library;
        this.zips = zips;
        this.store = store;
        this.media = media;
    }

    @Operation(operationId = "favourJob", summary = "Star one of your jobs (again is fine)")
    @ApiResponse(responseCode = "204", description = "Starred")
    @ProblemTypes({"not-found"})
    @PutMapping("/{jobId}/favourite")
    Mono<ResponseEntity<Void>> favour(@PathVariable String jobId, CurrentUser user) {
        return visible.require(jobId, user).flatMap(row -> library.favour(user.id(), jobId))
                .thenReturn(ResponseEntity.noContent().build());
    }

    @Operation(operationId = "unfavourJob", summary = "Remove the star from one of your jobs (if there is none, fine)")
    @ApiResponse(responseCode = "204", description = "Not starred")
    @ProblemTypes({"not-found"})
    @DeleteMapping("/{jobId}/favourite")
    Mono<ResponseEntity<Void>> unfavour(@PathVariable String jobId, CurrentUser user) {
        return visible.require(jobId, user).flatMap(row -> library.unfavour(user.id(), jobId))
                .thenReturn(ResponseEntity.noContent().build());
    }

    @Operation(operationId = "downloadJobFile", summary = "A job's file as a download named desayre-<jobId>-<number>.<ext>",
            description = "`number` counts the job's files from 1 (the order of `media`). Ranges work as for the media URL.")
    @ApiResponse(responseCode = "200", description = "The file, with Content-Disposition: attachment", content = {
            @Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
            @Content(mediaType = "image/jpeg", schema = @Schema(type = "string", format = "binary")),
            @Content(mediaType = "video/mp4", schema = @Schema(type = "string", format = "binary"))})
    @ProblemTypes({"not-found"})
    @GetMapping("/{jobId}/download/{number}")
    Mono<ResponseEntity<Flux<DataBuffer>>> download(@PathVariable String jobId, @PathVariable String number,
                                                    @RequestHeader(value = HttpHeaders.RANGE, required = false) String range,
                                                    CurrentUser user) {
        var notFound = ApiProblem.notFound("Job " + jobId + " has no file " + number + " that you can see.");
        int index;
        try {
            index = Integer.parseInt(number) - 1;
        } catch (NumberFormatException e) {
            return Mono.error(notFound);
        }
        return visible.require(jobId, user)
                .flatMap(row -> history.media(List.of(jobId)))
                .mapNotNull(found -> found.getOrDefault(jobId, List.of()).stream().filter(m -> m.index() == index).findFirst().orElse(null))
                .switchIfEmpty(Mono.error(notFound))
                .flatMap(file -> Mono.fromCallable(() -> store.stat(file.key())).subscribeOn(Schedulers.boundedElastic())
                        .flatMap(object -> object.map(Mono::just).orElseGet(() -> Mono.error(notFound)))
                        .map(object -> {
                            var answer = media.respond(file.key(), object, null, range);
                            var headers = new HttpHeaders();
                            headers.addAll(answer.getHeaders());
                            headers.setContentDisposition(ContentDisposition.attachment()
                                    .filename(MediaZip.fileName(jobId, file.index(), file.key())).build());
                            return new ResponseEntity<>(answer.getBody(), headers, answer.getStatusCode());
                        }));
    }

    @Operation(operationId = "downloadZip", summary = "The files of up to 100 of your jobs as one zip, streamed",
            description = "Each file is named as its single download is (desayre-<jobId>-<number>.<ext>); jobs without files "
                    + "(failed, still running) are skipped. Browsers: see createZipLink, which downloads with a plain GET.")
    @ApiResponse(responseCode = "200", description = "The zip", content = @Content(mediaType = "application/zip",
            schema = @Schema(type = "string", format = "binary")))
    @ProblemTypes({"invalid-request", "not-found"})
    @PostMapping(value = "/zip", produces = {"application/zip", "application/problem+json"})
    Mono<ResponseEntity<Flux<DataBuffer>>> zip(@RequestBody @Valid ZipRequest request, CurrentUser user) {
        return files(jobIds(request), user).map(LibraryController::zipResponse);
    }

    /** A link the browser follows to download the zip (no blob in the page's memory). */
    record ZipLink(String url, Instant expiresAt) {
    }

    @Operation(operationId = "createZipLink", summary = "A link, valid for 5 minutes and only for you, to the zip of up to 100 of your jobs",
            description = "The jobs are checked now (the same refusals as downloadZip); GET the url to download the zip.")
    @ApiResponse(responseCode = "201", description = "The link")
    @ProblemTypes({"invalid-request", "not-found"})
    @PostMapping("/zip-links")
    Mono<ResponseEntity<ZipLink>> createZipLink(@RequestBody @Valid ZipRequest request, CurrentUser user) {
        var ids = jobIds(request);
        return files(ids, user).then(Mono.defer(() -> library.newZipLink(user.id(), ids)))
                .map(link -> ResponseEntity.status(HttpStatus.CREATED).body(new ZipLink(ZIP_PATH + link.id(), link.expiresAt())));
    }

    @Operation(operationId = "downloadZipLink", summary = "The zip a link from createZipLink names")
    @ApiResponse(responseCode = "200", description = "The zip", content = @Content(mediaType = "application/zip",
            schema = @Schema(type = "string", format = "binary")))
    @ProblemTypes({"not-found"})
    @GetMapping(value = "/zip/{linkId}", produces = {"application/zip", "application/problem+json"})
    Mono<ResponseEntity<Flux<DataBuffer>>> zipLink(@PathVariable String linkId, CurrentUser user) {
        return library.zipLink(user.id(), linkId)
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("This download link has expired or is not yours: select the "
                        + "items and download them again.")))
                .flatMap(ids -> files(ids, user))
                .map(LibraryController::zipResponse);
    }

    private static ResponseEntity<Flux<DataBuffer>> zipResponse(ZipOfFiles zip) {
        return ResponseEntity.ok().contentType(ZIP)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(zip.name()).build().toString())
                .body(zip.bytes());
    }

    private record ZipOfFiles(String name, Flux<DataBuffer> bytes) {
    }

    /** The request's job ids, each once, in its order; blank or control-character ids refused by name. */
    private static List<String> jobIds(ZipRequest request) {
        var ids = new LinkedHashSet<String>();
        for (var id : request.jobIds()) {
            if (id == null || id.isBlank() || id.chars().anyMatch(Character::isISOControl) || id.length() > ZipRequest.MAX_ID_LENGTH) {
                throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("jobIds", "'jobIds' must list job ids: none blank, "
                        + "none longer than " + ZipRequest.MAX_ID_LENGTH + " characters.")));
            }
            ids.add(id.strip());
        }
        return List.copyOf(ids);
    }

    /**
     * The jobs' files, once every job is checked to be the caller's (one that is not, or is gone, refuses the whole
     * request with its id: a zip silently missing an item would be worse).
     */
    private Mono<ZipOfFiles> files(List<String> ids, CurrentUser user) {
        return visible.findAll(ids, user).map(HistoryRepository.Row::jobId)
                .collect(Collectors.toSet())
                .flatMap(seen -> {
                    var unknown = ids.stream().filter(id -> !seen.contains(id)).toList();
                    if (!unknown.isEmpty()) {
                        return Mono.error(ApiProblem.notFound((unknown.size() == 1 ? "There is no job " : "There are no jobs ")
                                + String.join(", ", unknown.subList(0, Math.min(5, unknown.size()))) + (unknown.size() > 5 ? ", …" : "")
                                + " in your history."));
                    }
                    return history.media(ids);
                })
                .flatMap(media -> {
                    var files = new ArrayList<MediaZip.File>();
                    for (var id : ids) {
                        for (var file : media.getOrDefault(id, List.of())) {
                            files.add(new MediaZip.File(MediaZip.fileName(id, file.index(), file.key()), file.key(), file.bytes()));
                        }
                    }
                    if (files.isEmpty()) {
                        return Mono.error(ApiProblem.invalid(List.of(new ApiProblem.FieldError("jobIds", ids.size() == 1
                                ? "That job has no files (it failed, was cancelled or is still running)."
                                : "None of these jobs has files (they failed, were cancelled or are still running)."))));
                    }
                    var name = ids.size() == 1 ? "desayre-" + ids.get(0) + ".zip" : "desayre-" + ids.size() + "-items.zip";
                    return Mono.just(new ZipOfFiles(name, zips.zip(files)));
                });
    }
}
