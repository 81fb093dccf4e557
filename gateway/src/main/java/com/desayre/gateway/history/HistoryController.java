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

    HistoryController(HistoryRepository history, MediaUrls urls, JobPublisher publisher) {
        this.history = history;
        this.urls = urls;
        this.publisher = publisher;
    }

    /** @param durationMs a video's length, null for images */
    record Media(int index, String url, @Schema(nullable = true) String thumbnailUrl, String mimeType, int width, int height, long bytes,
                 @Schema(nullable = true) Long durationMs) {
    }

    record Item(String jobId, String kind, String status, String prompt, @Schema(nullable = true) String encodedPrompt,
                @Schema(nullable = true) String styleProfile, @Schema(nullable = true) String encoderVersion,
                @Schema(nullable = true) String provider, @Schema(nullable = true) String model, @Schema(nullable = true) String aspectRatio,
                @Schema(nullable = true) Long seed, @Schema(nullable = true) String priority, @Schema(nullable = true) JobError error,
                String ownerId, Instant createdAt, @Schema(nullable = true) Instant updatedAt, @Schema(nullable = true) Instant completedAt,
                @Schema(nullable = true) Long durationMs, @Schema(nullable = true) String thumbnailUrl, List<Media> media) {
    }

    record Page(List<Item> items, @Schema(nullable = true, description = "null on the last page") String nextCursor) {
    }

    record Details(Item job, List<HistoryRepository.TimelineEntry> timeline) {
    }

    @Operation(operationId = "listHistory", summary = "Your generations, newest first, a page at a time",
            description = "Filter by kind, status, a search of the prompts (`q`) and dates; pass `nextCursor` back as `cursor` for the "
                    + "next page. Admins may pass `scope=all`.")
    @ProblemTypes({"invalid-request"})
    @GetMapping
    Mono<Page> list(@RequestParam(required = false) String kind, @RequestParam(required = false) String status,
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
        var filter = new HistoryRepository.Filter(everyone ? null : user.id(),
                parseEnum(JobKind.class, "kind", kind, errors), parseEnum(JobStatus.class, "status", status, errors),
                q == null || q.isBlank() ? null : q.strip(), instant("from", from, false, errors), instant("to", to, true, errors));
        var after = cursor == null ? null : decode(cursor, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(List.copyOf(errors));
        }
        // one more than asked: whether there is a next page, without a count query
        return history.page(filter, after, size + 1).collectList().flatMap(rows -> {
            var more = rows.size() > size;
            var shown = more ? rows.subList(0, size) : rows;
            return history.media(shown.stream().map(HistoryRepository.Row::jobId).toList()).map(media -> {
                var items = shown.stream().map(row -> item(row, media.getOrDefault(row.jobId(), List.of()))).toList();
                var last = shown.isEmpty() ? null : shown.get(shown.size() - 1);
                return new Page(items, more ? encode(new HistoryRepository.Cursor(last.createdAt(), last.jobId())) : null);
            });
        });
    }

    @Operation(operationId = "getHistoryEntry", summary = "One job with its full status timeline and media")
    @ProblemTypes({"not-found"})
    @GetMapping("/{jobId}")
    Mono<Details> one(@PathVariable String jobId, CurrentUser user) {
        return visible(jobId, user).flatMap(row -> history.media(List.of(jobId))
                .zipWith(history.timeline(jobId).collectList(),
                        (media, timeline) -> new Details(item(row, media.getOrDefault(jobId, List.of())), timeline)));
    }

    @Operation(operationId = "deleteHistoryEntry", summary = "Remove a job from your history; its files are deleted in the background")
    @ApiResponse(responseCode = "204", description = "Removed")
    @ProblemTypes({"not-found"})
    @DeleteMapping("/{jobId}")
    Mono<ResponseEntity<Void>> delete(@PathVariable String jobId, CurrentUser user) {
        // the request to delete the objects goes to Kafka first: if that fails the job stays visible
        // and the user can try again, instead of a hidden job whose objects nobody deletes
        return visible(jobId, user)
                .flatMap(row -> publisher.publish(Topics.CONTROL, jobId,
                        ControlRequested.of(jobId, ControlRequested.Action.DELETE, row.ownerId(), user.id())))
                .then(Mono.defer(() -> history.markDeleted(jobId)))
                .then(Mono.just(ResponseEntity.noContent().<Void>build()));
    }

    private Mono<HistoryRepository.Row> visible(String jobId, CurrentUser user) {
        return history.job(jobId).filter(row -> user.maySee(row.ownerId()))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("There is no job " + jobId + " in your history.")));
    }

    private Item item(HistoryRepository.Row row, List<HistoryRepository.MediaRow> media) {
        var shown = media.stream().map(m -> new Media(m.index(), urls.url(m.key()),
                m.thumbKey() == null ? null : urls.url(m.thumbKey()), m.mimeType(), m.width(), m.height(), m.bytes(),
                m.durationMillis())).toList();
        var duration = row.completedAt() == null ? null : Duration.between(row.createdAt(), row.completedAt()).toMillis();
        var error = row.errorCode() == null ? null : new JobError(row.errorCode(), row.message());
        return new Item(row.jobId(), row.kind(), row.status(), row.prompt(), row.encodedPrompt(), row.styleProfile(),
                row.encoderVersion(), row.provider(), row.model(), row.aspectRatio(), row.seed(), row.priority(), error,
                row.ownerId(), row.createdAt(), row.updatedAt(), row.completedAt(), duration,
                shown.isEmpty() ? null : shown.get(0).thumbnailUrl(), shown);
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
