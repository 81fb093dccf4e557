package com.desayre.gateway.generation;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.desayre.contracts.JobKind;
import com.desayre.contracts.RequestRules;
import com.desayre.gateway.web.NoControl;
import com.desayre.gateway.web.OneOf;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Locale;

/** {@code POST /api/prompts/preview}: what the encoder would send for a request, without generating anything. */
@Schema(name = "PreviewRequest")
record PreviewRequest(
        @ValidPrompt(hint = "the prompt to preview.")
        @Schema(requiredMode = REQUIRED, minLength = 1, maxLength = RequestRules.MAX_PROMPT_LENGTH) String prompt,
        @OneOf({"image", "edit", "video"}) @Schema(defaultValue = "image") String kind,
        @NoControl @Schema(maxLength = RequestRules.MAX_STYLE_PROFILE_LENGTH, description = GenerationBody.STYLE) String styleProfile,
        @Schema(defaultValue = "true", description = GenerationBody.ENHANCE) Boolean enhance,
        @NoControl String aspectRatio,
        @Schema(description = "Whether the job starts from an image (default: true for an edit)") Boolean sourceImage) {

    JobKind jobKind() {
        return kind == null ? JobKind.IMAGE : JobKind.valueOf(kind.toUpperCase(Locale.ROOT));
    }
}
