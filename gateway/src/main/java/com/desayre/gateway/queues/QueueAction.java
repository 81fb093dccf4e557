package com.desayre.gateway.queues;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.desayre.gateway.web.NoControl;
import com.desayre.gateway.web.OneOf;
import com.desayre.gateway.web.RecordRule;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * {@code POST /api/worker} (and {@code /api/admin/queues}): replay or discard DLQ records ({@code dlq} and exactly one of
 * {@code all}, {@code offsets}, {@code jobIds}), or pause or resume a lane ({@code lane}, {@code worker}?). Which fields
 * go with which action is {@link Fits}.
 */
@Schema(name = "QueueAction", description = "replay or discard DLQ records (dlq + exactly one of all, offsets, jobIds), "
        + "or pause or resume a lane (lane, worker?)")
@QueueAction.Fits
record QueueAction(
        @NotNull(message = "is required: replay, discard, pause or resume.") @OneOf({"replay", "discard", "pause", "resume"})
        @Schema(requiredMode = REQUIRED) String action,
        @NoControl @Schema(description = "replay/discard: the DLQ, e.g. generation.image.requested.dlq") String dlq,
        @Schema(description = "replay/discard: every record not handled yet") Boolean all,
        @Size(min = 1, max = QueueController.MAX_SELECTED, message = "must be a list of 1 to {max} {\"partition\", \"offset\"} objects.")
        @Schema(description = "replay/discard: these records") List<DlqOffset> offsets,
        @Size(min = 1, max = QueueController.MAX_SELECTED, message = "must be a list of 1 to {max} job ids.")
        @Schema(description = "replay/discard: the records of these jobs (the record key)") List<String> jobIds,
        @OneOf({"interactive", "batch"}) @Schema(description = "pause/resume: the lane") String lane,
        @OneOf({WorkerBoard.IMAGE_WORKER, WorkerBoard.VIDEO_WORKER}) @Schema(description = "pause/resume: one worker; both when absent") String worker,
        @Size(max = 500, message = "may be at most {max} characters.") @NoControl
        @Schema(maxLength = 500, description = "Why, for the audit log") String reason) {

    boolean onDlq() {
        return "replay".equalsIgnoreCase(action) || "discard".equalsIgnoreCase(action);
    }

    @Schema(name = "DlqOffset")
    record DlqOffset(@Schema(minimum = "0", requiredMode = REQUIRED) Integer partition,
                     @Schema(minimum = "0", requiredMode = REQUIRED) Long offset) {
    }

    /** Which fields go with which action. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = Fits.Rule.class)
    @interface Fits {
        String message() default "does not fit its action.";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        class Rule extends RecordRule<Fits, QueueAction> {
            @Override
            protected void check(QueueAction request, BiConsumer<String, String> problem) {
                if (request.action() == null) {
                    return;
                }
                var action = request.action().toLowerCase(java.util.Locale.ROOT);
                if (request.onDlq()) {
                    dlqFields(request, action, problem);
                } else if (List.of("pause", "resume").contains(action)) {
                    laneFields(request, action, problem);
                }
            }

            private static void laneFields(QueueAction request, String action, BiConsumer<String, String> problem) {
                notFor(request.dlq(), "dlq", action, "replay and discard", problem);
                notFor(request.all(), "all", action, "replay and discard", problem);
                notFor(request.offsets(), "offsets", action, "replay and discard", problem);
                notFor(request.jobIds(), "jobIds", action, "replay and discard", problem);
                if (request.lane() == null) {
                    problem.accept("lane", "is required: interactive or batch.");
                }
            }

            private static void dlqFields(QueueAction request, String action, BiConsumer<String, String> problem) {
                notFor(request.lane(), "lane", action, "pause and resume", problem);
                notFor(request.worker(), "worker", action, "pause and resume", problem);
                if (request.dlq() == null) {
                    problem.accept("dlq", "is required: one of " + String.join(", ", KafkaQueues.dlqs()) + ".");
                } else if (!KafkaQueues.dlqs().contains(request.dlq())) {
                    problem.accept("dlq", "must be one of " + String.join(", ", KafkaQueues.dlqs()) + ".");
                }
                var offsets = request.offsets();
                for (int i = 0; offsets != null && i < offsets.size(); i++) {
                    var entry = offsets.get(i);
                    if (entry == null || entry.partition() == null || entry.offset() == null || entry.partition() < 0 || entry.offset() < 0) {
                        problem.accept("offsets[" + i + "]", "Each entry is {\"partition\": <0 or more>, \"offset\": <0 or more>}.");
                        break;
                    }
                }
                var jobIds = request.jobIds();
                for (int i = 0; jobIds != null && i < jobIds.size(); i++) {
                    var id = jobIds.get(i);
                    if (id == null || id.isBlank() || id.length() > 200 || com.desayre.contracts.RequestRules.hasControl(id, false)) {
                        problem.accept("jobIds[" + i + "]", "Each job id is a non-empty string (at most 200 characters).");
                        break;
                    }
                }
                int chosen = (Boolean.TRUE.equals(request.all()) ? 1 : 0) + (offsets == null ? 0 : 1) + (jobIds == null ? 0 : 1);
                if (chosen != 1) {
                    problem.accept("all", "Choose the records with exactly one of 'all': true, 'offsets': [{\"partition\", \"offset\"}] "
                            + "or 'jobIds': [...].");
                }
            }

            private static void notFor(Object value, String field, String action, String owners, BiConsumer<String, String> problem) {
                if (value != null) {
                    problem.accept(field, "belongs to " + owners + ", not to " + action + ".");
                }
            }
        }
    }
}
