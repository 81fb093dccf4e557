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
import jakarta.validation.constraints.PositiveOrZero;
import java.util.Locale;

/**
 * {@code POST /api/generate/video}: from one of your finished images ({@code sourceJobId}), from text alone, or (multipart)
 * from the uploaded part {@code image}, with these fields but {@code sourceJobId} as form fields.
 */
@Schema(name = "VideoRequest")
record VideoRequest(
        @ValidPrompt(hint = "describe the motion or scene you want.")
        @Schema(requiredMode = REQUIRED, minLength = 1, maxLength = RequestRules.MAX_PROMPT_LENGTH, description = "The motion or scene")
        String prompt,
        @NoControl @Schema(description = "Start from a COMPLETED image of yours; leave out for text to video") String sourceJobId,
        @NoControl @Schema(defaultValue = DEFAULT_RATIO, description = "One the video model takes (1:1, 16:9, 9:16, 4:3, 3:4, 3:2, 2:3)")
        String aspectRatio,
        @Min(value = RequestRules.MIN_VIDEO_SECONDS, message = SECONDS_PROBLEM) @Max(value = RequestRules.MAX_VIDEO_SECONDS, message = SECONDS_PROBLEM)
        @Schema(defaultValue = "" + RequestRules.DEFAULT_VIDEO_SECONDS) Integer durationSeconds,
        @OneOf({RequestRules.RESOLUTION_480P, RequestRules.RESOLUTION_720P}) @Schema(defaultValue = RequestRules.DEFAULT_VIDEO_RESOLUTION)
        String resolution,
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
    static final String DEFAULT_RATIO = "16:9";
    static final String SECONDS_PROBLEM = "must be between " + RequestRules.MIN_VIDEO_SECONDS + " and " + RequestRules.MAX_VIDEO_SECONDS + ".";

    String ratio() {
        return aspectRatio == null ? DEFAULT_RATIO : aspectRatio;
    }

    int seconds() {
        return durationSeconds == null ? RequestRules.DEFAULT_VIDEO_SECONDS : durationSeconds;
    }

    String frames() {
        return resolution == null ? RequestRules.DEFAULT_VIDEO_RESOLUTION : resolution.toLowerCase(Locale.ROOT);
    }
}
