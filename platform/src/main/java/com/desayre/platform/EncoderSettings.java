package com.desayre.platform;

import com.desayre.contracts.JobKind;
import com.desayre.encoder.core.EncoderConfig;
import com.desayre.encoder.core.ModelRoute;
import com.desayre.encoder.core.Slot;
import com.desayre.encoder.core.StyleProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

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
public record EncoderSettings(String defaultProfile, Map<String, Profile> profiles, List<String> blocklist,
                              Map<JobKind, Model> models) {

    public record Profile(String description, List<String> styleTags, List<String> negativeTerms, Map<Slot, String> slotFills) {
    }

    public record Model(String provider, String model, Integer promptBudget, Boolean negativePrompt, List<String> aspectRatios) {
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
