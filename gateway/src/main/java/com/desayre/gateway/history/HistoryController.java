package com.desayre.gateway.history;

import com.desayre.contracts.ControlRequested;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Topics;
import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.messaging.JobPublisher;
import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.ProblemTypes;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A user's generations: newest first with keyset pagination, one job with its timeline, and
 * deletion (the job leaves the history at once; its objects are deleted by storage-sink through
 * {@code generation.control}, reliably, because Kafka keeps the request until that succeeds).
 */
@RestController
@RequestMapping("/api/history")
class HistoryController {
    static final int MAX_LIMIT = 100;
    static final int DEFAULT_LIMIT = 20;

    private final HistoryRepository history;
    private final MediaUrls urls;
    private final JobPublisher publisher;
    private final Library library;
    private final VisibleJobs visible;

    HistoryController(HistoryRepository history, MediaUrls urls, JobPublisher publisher, Library library, VisibleJobs visible) {
        this.history = history;
        this.visible = visible;
        this.urls = urls;
        this.publisher = publisher;
        this.library = library;
    }

    /** @param durationMs a video's length, null for images */
    record Media(int index, String url, @Schema(nullable = true) String thumbnailUrl, String mimeType, int width, int height, long bytes,
                 @Schema(nullable = true) Long durationMs) {
    }

    /**
     * @param favourite        whether the caller starred it
     * @param sourceJobId      an edit's or video's source image's job (null for an image, an upload or text to video)
     * @param sourceUploaded   whether its source image was uploaded with the request (it cannot be reused by id)
     * @param durationSeconds  a video's requested length
     * @param seedUsed         the seed the provider said it used (for a random seed, the one it picked), else null
     */
    record Item(String jobId, String kind, String status, String prompt, @Schema(nullable = true) String encodedPrompt,
                @Schema(nullable = true) String styleProfile, @Schema(nullable = true) String encoderVersion,
                @Schema(nullable = true) String provider, @Schema(nullable = true) String model, @Schema(nullable = true) String aspectRatio,
                @Schema(nullable = true) Long seed, @Schema(nullable = true) String priority, @Schema(nullable = true) JobError error,
                String ownerId, Instant createdAt, @Schema(nullable = true) Instant updatedAt, @Schema(nullable = true) Instant completedAt,
                @Schema(nullable = true) Long durationMs, @Schema(nullable = true) String thumbnailUrl, List<Media> media,
                boolean favourite, @Schema(nullable = true) String requestedProfile, @Schema(nullable = true) Boolean enhance,
                @Schema(nullable = true) String sourceJobId, boolean sourceUploaded, @Schema(nullable = true) Integer durationSeconds,
                @Schema(nullable = true) String resolution, @Schema(nullable = true) Long seedUsed) {
    }

    record Page(List<Item> items, @Schema(nullable = true, description = "null on the last page") String nextCursor) {
    }

    /**
     * @param source   the job whose image this edit or video started from, if it is still there
     * @param madeFrom the edits and videos made from this job's images, oldest first (at most {@value #MAX_MADE_FROM})
     */
    record Details(Item job, List<HistoryRepository.TimelineEntry> timeline, @Schema(nullable = true) Item source,
                   List<Item> madeFrom) {
    }

    static final int MAX_MADE_FROM = 50;
    static final int MAX_MODEL_LENGTH = 200;

    @Operation(operationId = "listHistory", summary = "Your generations, newest first, a page at a time",
            description = "Filter by kind (one, or several separated by commas: `kind=image,edit`), status, model, favourites "
                    + "(`favourite=true`: only the jobs you starred), a search of the prompts (`q`) and dates (`from`, `to`: a day or "
                    + "an instant; `to` includes its day); pass `nextCursor` back as `cursor` for the next page. Admins may pass "
                    + "`scope=all`.")
    @ProblemTypes({"invalid-request"})
    @GetMapping
    Mono<Page> list(@RequestParam(required = false) String kind, @RequestParam(required = false) String status,
                    @RequestParam(required = false) String model,
                    @RequestParam(required = false) @io.swagger.v3.oas.annotations.Parameter(schema = @io.swagger.v3.oas.annotations.media.Schema(
                            type = "boolean", defaultValue = "false")) String favourite,
                    @RequestParam(required = false) String q, @RequestParam(required = false) String from,
                    @RequestParam(required = false) String to, @RequestParam(required = false) String cursor,
                    @RequestParam(required = false) @io.swagger.v3.oas.annotations.Parameter(schema = @io.swagger.v3.oas.annotations.media.Schema(type = "integer", minimum = "1", maximum = "" + MAX_LIMIT,
                            defaultValue = "" + DEFAULT_LIMIT)) Integer limit,
                    @RequestParam(required = false) @io.swagger.v3.oas.annotations.Parameter(schema = @io.swagger.v3.oas.annotations.media.Schema(
                            allowableValues = {"mine", "all"}, defaultValue = "mine")) String scope,
                    CurrentUser user) {
        var errors = new ArrayList<ApiProblem.FieldError>();
        var size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            errors.add(new ApiProblem.FieldError("limit", "'limit' must be between 1 and " + MAX_LIMIT + "."));
        }
        var everyone = "all".equals(scope);
        if (scope != null && !everyone && !"mine".equals(scope)) {
            errors.add(new ApiProblem.FieldError("scope", "'scope' must be 'mine' (default) or 'all'."));
        }
        if (everyone && !user.admin()) {
            errors.add(new ApiProblem.FieldError("scope", "Only admins may see everyone's history."));
        }
        var kinds = new java.util.HashSet<JobKind>();
        if (kind != null && !kind.isBlank()) {
            for (var one : kind.split(",", -1)) {
                if (one.isBlank()) {
                    errors.add(new ApiProblem.FieldError("kind", "'kind' lists kinds separated by commas, with none empty."));
                    break;
                }
                var parsed = parseEnum(JobKind.class, "kind", one, errors);
                if (parsed == null) {
                    break;
                }
                kinds.add(parsed);
            }
        }
        var onlyFavourites = flag("favourite", favourite, errors);
        var modelName = model == null || model.isBlank() ? null : model.strip();
        if (modelName != null && (modelName.length() > MAX_MODEL_LENGTH || modelName.chars().anyMatch(Character::isISOControl))) {
            errors.add(new ApiProblem.FieldError("model", "'model' must be a model's name: at most " + MAX_MODEL_LENGTH
                    + " characters, no control characters."));
        }
        var fromInstant = instant("from", from, false, errors);
        var toInstant = instant("to", to, true, errors);
        if (fromInstant != null && toInstant != null && !fromInstant.isBefore(toInstant)) {
            errors.add(new ApiProblem.FieldError("to", "'to' must be after 'from'."));
        }
        var filter = new HistoryRepository.Filter(everyone ? null : user.id(), kinds,
                parseEnum(JobStatus.class, "status", status, errors), q == null || q.isBlank() ? null : q.strip(),
                fromInstant, toInstant, modelName, onlyFavourites ? user.id() : null);
        var after = cursor == null ? null : decode(cursor, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(List.copyOf(errors));
        }
        // one more than asked: whether there is a next page, without a count query
        return history.page(filter, after, size + 1).collectList().flatMap(rows -> {
            var more = rows.size() > size;
            var shown = more ? rows.subList(0, size) : rows;
            var ids = shown.stream().map(HistoryRepository.Row::jobId).toList();
            return Mono.zip(history.media(ids), library.favourites(user.id(), ids)).map(found -> {
                var media = found.getT1();
                var items = shown.stream().map(row -> item(row, media.getOrDefault(row.jobId(), List.of()),
                        found.getT2().contains(row.jobId()))).toList();
                var last = shown.isEmpty() ? null : shown.get(shown.size() - 1);
                return new Page(items, more ? encode(new HistoryRepository.Cursor(last.createdAt(), last.jobId())) : null);
            });
        });
    }

    @Operation(operationId = "getHistoryEntry", summary = "One job with its full status timeline and media")
    @ProblemTypes({"not-found"})
    @GetMapping("/{jobId}")
    Mono<Details> one(@PathVariable String jobId, CurrentUser user) {
        return visible.require(jobId, user).flatMap(row -> {
            var sourceId = HistoryRepository.sourceJobId(row.sourceMediaKey());
            var source = sourceId == null ? Mono.<HistoryRepository.Row>empty()
                    : visible.find(sourceId, user);
            return Mono.zip(source.map(List::of).defaultIfEmpty(List.of()), history.madeFrom(row, MAX_MADE_FROM).collectList(),
                    history.timeline(jobId).collectList()).flatMap(found -> {
                        var related = new ArrayList<HistoryRepository.Row>();
                        related.add(row);
                        related.addAll(found.getT1());
                        related.addAll(found.getT2());
                        var ids = related.stream().map(HistoryRepository.Row::jobId).toList();
                        return Mono.zip(history.media(ids), library.favourites(user.id(), ids)).map(extra -> {
                            java.util.function.Function<HistoryRepository.Row, Item> show = r -> item(r,
                                    extra.getT1().getOrDefault(r.jobId(), List.of()), extra.getT2().contains(r.jobId()));
                            return new Details(show.apply(row), found.getT3(),
                                    found.getT1().isEmpty() ? null : show.apply(found.getT1().get(0)),
                                    found.getT2().stream().map(show).toList());
                        });
                    });
        });
    }

    @Operation(operationId = "deleteHistoryEntry", summary = "Remove a job from your history; its files are deleted in the background")
    @ApiResponse(responseCode = "204", description = "Removed")
    @ProblemTypes({"not-found"})
    @DeleteMapping("/{jobId}")
    Mono<ResponseEntity<Void>> delete(@PathVariable String jobId, CurrentUser user) {
        // the request to delete the objects goes to Kafka first: if that fails the job stays visible
        // and the user can try again, instead of a hidden job whose objects nobody deletes
        return visible.require(jobId, user)
                .flatMap(row -> publisher.publish(Topics.CONTROL, jobId,
                        ControlRequested.of(jobId, ControlRequested.Action.DELETE, row.ownerId(), user.id())))
                .then(Mono.defer(() -> history.markDeleted(jobId)))
                .then(Mono.just(ResponseEntity.noContent().<Void>build()));
    }

    Item item(HistoryRepository.Row row, List<HistoryRepository.MediaRow> media, boolean favourite) {
        var shown = media.stream().map(m -> new Media(m.index(), urls.url(m.key()),
                m.thumbKey() == null ? null : urls.url(m.thumbKey()), m.mimeType(), m.width(), m.height(), m.bytes(),
                m.durationMillis())).toList();
        var duration = row.completedAt() == null ? null : Duration.between(row.createdAt(), row.completedAt()).toMillis();
        var error = row.errorCode() == null ? null : new JobError(row.errorCode(), row.message());
        return new Item(row.jobId(), row.kind(), row.status(), row.prompt(), row.encodedPrompt(), row.styleProfile(),
                row.encoderVersion(), row.provider(), row.model(), row.aspectRatio(), row.seed(), row.priority(), error,
                row.ownerId(), row.createdAt(), row.updatedAt(), row.completedAt(), duration,
                shown.isEmpty() ? null : shown.get(0).thumbnailUrl(), shown, favourite, row.requestedProfile(), row.enhance(),
                HistoryRepository.sourceJobId(row.sourceMediaKey()),
                row.sourceMediaKey() != null && row.sourceMediaKey().startsWith("uploads/"), row.durationSeconds(), row.resolution(),
                media.stream().map(HistoryRepository.MediaRow::seed).filter(java.util.Objects::nonNull).findFirst().orElse(row.seed()));
    }

    /** true/false (also 1/0, yes/no, as a link's query may say it); absent is false. */
    private static boolean flag(String field, String value, List<ApiProblem.FieldError> errors) {
        if (value == null || value.isBlank()) {
            return false;
        }
        switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> {
                return true;
            }
            case "false", "0", "no" -> {
                return false;
            }
            default -> {
                errors.add(new ApiProblem.FieldError(field, "'" + field + "' must be true or false."));
                return false;
            }
        }
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String field, String value, List<ApiProblem.FieldError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            var names = java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
            errors.add(new ApiProblem.FieldError(field, "'" + field + "' must be one of: " + String.join(", ", names) + "."));
            return null;
        }
    }

    /** An ISO instant, or a date (from: its start; to: the start of the next day, so "to" includes the day). */
    private static Instant instant(String field, String value, boolean endOfDay, List<ApiProblem.FieldError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException notAnInstant) {
            try {
                var day = LocalDate.parse(value.strip());
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                errors.add(new ApiProblem.FieldError(field, "'" + field + "' must be a date (2026-11-25) or an instant "
                        + "(2026-11-25T10:00:00Z)."));
                return null;
            }
        }
    }

    static String encode(HistoryRepository.Cursor cursor) {
        var text = cursor.createdAt() + "|" + cursor.jobId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static HistoryRepository.Cursor decode(String cursor, List<ApiProblem.FieldError> errors) {
        try {
            var text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            var bar = text.indexOf('|');
            return new HistoryRepository.Cursor(Instant.parse(text.substring(0, bar)), text.substring(bar + 1));
        } catch (RuntimeException e) {
            errors.add(new ApiProblem.FieldError("cursor", "'cursor' is not one this API gave out: pass nextCursor from "
                    + "the previous page unchanged."));
            return null;
        }
    }
}
