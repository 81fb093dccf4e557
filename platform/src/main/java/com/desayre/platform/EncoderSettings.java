package com.desayre.platform;

import com.desayre.contracts.JobKind;
import com.desayre.encoder.core.EncoderConfig;
import com.desayre.encoder.core.ModelRoute;
import com.desayre.encoder.core.Slot;
import com.desayre.encoder.core.StyleProfile;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code desayre.encoder.*}: the house styles, the model table and the content blocklist. Every
 * setting is optional: what is not configured keeps DESAYRE's defaults
 * ({@link EncoderConfig#defaults()}). It lives in the shared platform so the prompt-encoder and
 * the gateway's preview always agree on what a profile means.
 *
 * @param profiles profiles to add, or to replace by name
 * @param models   per kind (image, edit, video): the model and what it accepts
 */
@ConfigurationProperties("desayre.encoder")
@Validated
public record EncoderSettings(String defaultProfile, Map<String, @Valid Profile> profiles,
                              List<@NotBlank(message = "must not be blank: an empty term would match every prompt") String> blocklist,
                              Map<JobKind, @Valid Model> models) {

    public record Profile(String description, List<@NotBlank String> styleTags, List<@NotBlank String> negativeTerms,
                          Map<Slot, String> slotFills) {
    }

    /** Each part unset keeps DESAYRE's default for that kind; a part that is set must make sense. */
    public record Model(@Pattern(regexp = "modelslabs|xai", message = "must be modelslabs or xai (the providers DESAYRE has workers for)")
                        String provider,
                        @Pattern(regexp = "\\S+", message = "must be a model id (no spaces)") String model,
                        @Positive Integer promptBudget, Boolean negativePrompt,
                        List<@Pattern(regexp = "[1-9][0-9]*:[1-9][0-9]*", message = "must be an aspect ratio such as 16:9") String>
                        aspectRatios) {
    }

    public EncoderConfig toConfig() {
        var defaults = EncoderConfig.defaults();
        var allProfiles = new LinkedHashMap<>(defaults.profiles());
        if (profiles != null) {
            profiles.forEach((name, p) -> allProfiles.put(name, new StyleProfile(name,
                    p.description() == null ? "" : p.description(),
                    p.styleTags() == null ? List.of() : p.styleTags(),
                    p.negativeTerms() == null ? List.of() : p.negativeTerms(),
                    p.slotFills() == null ? Map.of() : p.slotFills())));
        }
        var routes = new ArrayList<ModelRoute>();
        for (var route : defaults.routes()) {
            var model = models == null ? null : models.get(route.kind());
            routes.add(model == null ? route : new ModelRoute(route.kind(),
                    or(model.provider(), route.provider()), or(model.model(), route.model()),
                    or(model.promptBudget(), route.promptBudget()), or(model.negativePrompt(), route.takesNegativePrompt()),
                    or(model.aspectRatios(), route.aspectRatios())));
        }
        return new EncoderConfig(allProfiles, or(blank(defaultProfile) ? null : defaultProfile, defaults.defaultProfile()),
                routes, or(blocklist, defaults.blocklist()));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
