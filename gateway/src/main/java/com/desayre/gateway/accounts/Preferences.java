package com.desayre.gateway.accounts;

import com.desayre.contracts.RequestRules;
import com.desayre.gateway.web.NoControl;
import com.desayre.gateway.web.OneOf;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Size;
import java.util.Locale;

/**
 * {@code GET}/{@code PUT /api/preferences}: what a user chose in the studio's settings. Every field may be null, meaning
 * no preference (the studio's own default applies); a {@code PUT} replaces them all. The studio applies the create form's
 * defaults when it loads, and only those the form still offers (a style profile since removed is ignored).
 */
@Schema(name = "Preferences")
record Preferences(
        @OneOf({"system", "light", "dark"})
        @Schema(nullable = true, description = "The studio's colours: the system's choice (the default), light or dark") String theme,
        @NoControl @Size(max = RequestRules.MAX_STYLE_PROFILE_LENGTH, message = "may be at most {max} characters.")
        @Schema(nullable = true, maxLength = RequestRules.MAX_STYLE_PROFILE_LENGTH,
                description = "The house style the create form starts with (GET /api/prompts/profiles)") String styleProfile,
        @OneOf({"1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "4:5", "5:4", "21:9"})
        @Schema(nullable = true, description = "The aspect ratio a new image starts with") String aspectRatio,
        @OneOf({"interactive", "batch"})
        @Schema(nullable = true, description = "The lane new jobs go to (the request's priority)") String lane,
        @Schema(nullable = true, description = "Whether the prompt is enhanced by default") Boolean enhance,
        @Schema(nullable = true, description = "Whether the studio notifies when a job ends in a background tab "
                + "(the browser's permission is asked for too)") Boolean notifications) {

    static final Preferences NONE = new Preferences(null, null, null, null, null, null);

    /** The words as stored: lower case (the API takes them in any case), a blank style as none. */
    Preferences normalized() {
        return new Preferences(lower(theme), styleProfile == null || styleProfile.isBlank() ? null : styleProfile.strip(),
                aspectRatio, lower(lane), enhance, notifications);
    }

    private static String lower(String word) {
        return word == null ? null : word.toLowerCase(Locale.ROOT);
    }
}
