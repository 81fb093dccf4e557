package com.desayre.encoder.core;

import com.desayre.contracts.JobKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the encoder and the router are told: the style profiles, the default one, the model
 * table and the content blocklist. {@link #defaults()} is DESAYRE's house configuration; services
 * may replace profiles, routes and the blocklist from their own configuration.
 */
public record EncoderConfig(Map<String, StyleProfile> profiles, String defaultProfile, List<ModelRoute> routes,
                            List<String> blocklist) {

    public static final List<String> IMAGE_RATIOS = List.of("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16",
            "16:9", "21:9");
    public static final List<String> GROK_RATIOS = List.of("1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3");

    public EncoderConfig {
        profiles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
        routes = List.copyOf(routes);
        blocklist = List.copyOf(blocklist);
        if (!profiles.containsKey(defaultProfile)) {
            throw new IllegalArgumentException("the default style profile '" + defaultProfile + "' is not defined");
        }
        for (var profile : profiles.values()) {
            for (var tag : profile.styleTags()) {
                // a tag that names a scene would change how an encoded prompt is read, and encoding twice would differ
                if (Scene.of(Words.of(tag)) != Scene.GENERAL || Words.of(tag).mentionsAny(Scene.ART_MEDIA)) {
                    throw new IllegalArgumentException("style tag '" + tag + "' of profile '" + profile.name()
                            + "' names a subject or medium; style tags may only describe the look");
                }
            }
        }
    }

    public static EncoderConfig defaults() {
        return new EncoderConfig(defaultProfiles(), "desayre-cinematic", defaultRoutes(), defaultBlocklist());
    }

    public static Map<String, StyleProfile> defaultProfiles() {
        var common = List.of("cartoon", "illustration", "CGI", "plastic skin", "oversaturated", "watermark", "text overlay",
                "blurry", "low resolution");
        var profiles = new LinkedHashMap<String, StyleProfile>();
        profiles.put("desayre-cinematic", new StyleProfile("desayre-cinematic",
                "DESAYRE's house look: cinematic colour, gentle film grain, natural contrast.",
                List.of("cinematic colour grading", "subtle film grain", "natural contrast"), common, Map.of()));
        profiles.put("editorial", new StyleProfile("editorial",
                "Magazine editorial: refined styling, clean light, crisp finish.",
                List.of("editorial photography", "refined styling", "magazine-quality finish"), common, Map.of()));
        profiles.put("product", new StyleProfile("product",
                "Commercial product photography on a seamless backdrop, colour-accurate.",
                List.of("commercial studio photography", "seamless backdrop", "colour-accurate"), common,
                Map.of(Slot.LIGHTING, "soft studio key light with a subtle rim light")));
        profiles.put("documentary", new StyleProfile("documentary",
                "Documentary realism: candid moments in available light.",
                List.of("documentary photography", "candid, unposed moment"), common,
                Map.of(Slot.LIGHTING, "available natural light")));
        profiles.put("none", new StyleProfile("none",
                "No house style: realism and structure only.", List.of(), List.of("watermark", "text overlay"), Map.of()));
        return profiles;
    }

    public static List<ModelRoute> defaultRoutes() {
        return List.of(
                new ModelRoute(JobKind.IMAGE, "modelslabs", "nano-banana-pro", 1800, false, IMAGE_RATIOS),
                new ModelRoute(JobKind.EDIT, "modelslabs", "grok-imagine-image-i2i", 1000, false, GROK_RATIOS),
                new ModelRoute(JobKind.VIDEO, "xai", "grok-imagine-video", 1000, false, GROK_RATIOS));
    }

    /** A small default: each deployment sets its own list in configuration. */
    public static List<String> defaultBlocklist() {
        return List.of("child sexual", "csam", "nude minor", "sexualized minor", "non consensual", "revenge porn",
                "beheading video");
    }
}
