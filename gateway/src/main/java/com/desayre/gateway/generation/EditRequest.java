package com.desayre.gateway.generation;

import com.desayre.platform.WebhookTargets;
import jakarta.validation.constraints.Size;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.desayre.contracts.RequestRules;
import com.desayre.gateway.web.NoControl;
import com.desayre.gateway.web.OneOf;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * {@code POST /api/generate/edit}: as JSON, of one of your finished images ({@code sourceJobId}, required there:
 * {@link Json}); as multipart, of the uploaded part {@code image}, with these fields but {@code sourceJobId} as form fields.
 */
@Schema(name = "EditRequest")
record EditRequest(
        @ValidPrompt(hint = "say what to change in the image.")
        @Schema(requiredMode = REQUIRED, minLength = 1, maxLength = RequestRules.MAX_PROMPT_LENGTH, description = "What to change")
        String prompt,
        @NotNull(groups = Json.class, message = "is required: the jobId of a finished image of yours "
                + "(or upload the image as multipart/form-data, part 'image').")
        @NoControl @Schema(requiredMode = REQUIRED, description = "A COMPLETED image or edit job of yours") String sourceJobId,
        @AspectRatio(edit = true) @Schema(description = "Default: the source's shape (the nearest ratio edits take)") String aspectRatio,
        @PositiveOrZero(message = "must be a whole number from 0 to 9223372036854775807.") Long seed,
        @NoControl @Schema(maxLength = RequestRules.MAX_STYLE_PROFILE_LENGTH, description = STYLE) String styleProfile,
        @Schema(defaultValue = "true", description = ENHANCE) Boolean enhance,
        @OneOf({"interactive", "batch"}) @Schema(defaultValue = "interactive", description = PRIORITY) String priority,
        @Min(value = 1, message = "must be between 1 and 4.") @Max(value = GenerationController.MAX_COUNT, message = "must be between 1 and 4.")
        @Schema(defaultValue = "1", description = N) Integer n,
        @Min(value = 1, message = MAX_WAIT_PROBLEM) @Max(value = RequestRules.MAX_WAIT_SECONDS, message = MAX_WAIT_PROBLEM)
        @Schema(description = MAX_WAIT) Integer maxWaitSeconds,
        @Size(max = WebhookTargets.MAX_URL_LENGTH, message = "may be at most {max} characters.") @NoControl
        @Schema(format = "uri", maxLength = WebhookTargets.MAX_URL_LENGTH, description = WEBHOOK) String webhookUrl) implements GenerationBody {

    /** The rules of the JSON form only. */
    interface Json {
    }
}
