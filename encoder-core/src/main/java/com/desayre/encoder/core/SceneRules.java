package com.desayre.encoder.core;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the encoder adds for each scene, slot by slot. Every fill mentions one of its slot's words,
 * which is what makes encoding an encoded prompt change nothing.
 */
final class SceneRules {
    private static final Map<Scene, Map<Slot, String>> FILLS = new EnumMap<>(Scene.class);

    static {
        fills(Scene.PORTRAIT, "intimate medium close-up, eye-level framing", "soft window light with gentle falloff",
                "shot on a full-frame camera, 85mm lens at f/1.8, shallow depth of field",
                "natural skin texture with visible pores, fine fabric detail", "quiet, authentic mood",
                "slow push-in on the subject");
        fills(Scene.PRODUCT, "centered hero composition with generous negative space",
                "soft studio key light with a subtle rim light",
                "shot on a medium-format camera, 100mm macro lens at f/8, tack-sharp focus",
                "true-to-life materials, accurate reflections and fine surface detail", "clean, premium mood",
                "slow orbit around the product");
        fills(Scene.FOOD, "close three-quarter angle on the dish", "soft diffused side light",
                "shot on a full-frame camera, 100mm macro lens at f/4, shallow depth of field",
                "glistening, true-to-life food texture", "appetising, fresh mood", "slow push-in with gentle parallax");
        fills(Scene.INTERIOR, "wide interior composition with straight verticals",
                "soft daylight from the windows balanced with warm practical lamps",
                "shot on a full-frame camera, 24mm lens at f/5.6", "natural materials: wood, fabric weave, stone",
                "inviting, lived-in mood", "smooth dolly through the space");
        fills(Scene.ANIMAL, "eye-level framing on the animal", "soft natural daylight",
                "shot on a full-frame camera, 300mm telephoto lens at f/4, shallow depth of field",
                "individual fur and feather detail", "calm, candid mood", "steady telephoto tracking of the animal");
        fills(Scene.URBAN, "eye-level street perspective with leading lines in the composition", "natural ambient city light",
                "shot on a full-frame camera, 35mm lens at f/5.6", "weathered surfaces and true-to-life urban detail",
                "vivid, documentary mood", "steady tracking shot at walking pace");
        fills(Scene.LANDSCAPE, "wide establishing composition with layered depth",
                "golden-hour sunlight raking across the terrain", "shot on a full-frame camera, 24mm lens at f/8, deep focus",
                "crisp natural detail in rock, water and foliage", "expansive, serene mood", "slow aerial drift forward");
        fills(Scene.GENERAL, "balanced composition", "natural light", "shot on a full-frame camera, 50mm lens at f/2.8",
                "fine true-to-life detail", "understated, natural mood", "slow dolly-in");
    }

    static final String NIGHT_LIGHT = "low-key night lighting from practical lights, deep shadows";
    static final String GOLDEN_LIGHT = "warm low-angle sunlight with long soft shadows";
    static final String DIFFUSED_LIGHT = "soft, diffused overcast light";
    static final String VIDEO_MOTION = "natural, subtle motion in the scene";
    static final String VIDEO_PACING = "calm pacing, one continuous shot";

    /** A tag to add unless the prompt already says it, or something close to it. */
    static final class Tag {
        private final String text;
        private final List<String> keys;

        Tag(String text, List<String> triggers) {
            this.text = text;
            var keys = new java.util.ArrayList<String>();
            keys.add(Words.key(text));
            triggers.forEach(trigger -> keys.add(Words.key(trigger)));
            this.keys = List.copyOf(keys);
        }

        String text() {
            return text;
        }

        boolean presentIn(Words words) {
            for (var key : keys) {
                if (words.mentionsKey(key)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final Map<String, Tag> STYLE_TAGS = new java.util.concurrent.ConcurrentHashMap<>();

    static final Tag PHOTOREALISTIC = new Tag("photorealistic", List.of("photo realistic", "photoreal", "hyperrealistic",
            "hyper realistic", "ultra realistic", "ultrarealistic", "realistic", "lifelike"));
    static final Tag EDIT_KEEP = new Tag("keep the subject's identity and everything not mentioned unchanged",
            List.of("unchanged", "everything else", "keep everything", "keep the rest", "identity"));
    static final Tag EDIT_MATCH = new Tag("match the original lighting, perspective and grain",
            List.of("match the original", "same lighting", "original lighting"));
    static final Tag EDIT_SEAMLESS = new Tag("seamless, photorealistic result", List.of("seamless", "photorealistic",
            "photo realistic", "realistic"));
    static final Tag VIDEO_FIRST_FRAME = new Tag("keep the first frame's look, lighting and colours consistent",
            List.of("first frame", "starting frame"));

    /** Synonyms of the built-in profiles' style tags; a configured tag is always matched by its own words. */
    private static final Map<String, List<String>> STYLE_SYNONYMS = Map.ofEntries(
            Map.entry(Words.key("cinematic colour grading"), List.of("color grading", "color graded", "color grade",
                    "cinematic grade", "teal and orange", "graded")),
            Map.entry(Words.key("subtle film grain"), List.of("film grain", "grain", "grainy")),
            Map.entry(Words.key("natural contrast"), List.of("contrast")),
            Map.entry(Words.key("editorial photography"), List.of("editorial")),
            Map.entry(Words.key("refined styling"), List.of("styling", "styled")),
            Map.entry(Words.key("magazine-quality finish"), List.of("magazine")),
            Map.entry(Words.key("commercial studio photography"), List.of("product photography", "product shot",
                    "packshot", "commercial photography", "studio photography")),
            Map.entry(Words.key("seamless backdrop"), List.of("backdrop", "background")),
            Map.entry(Words.key("colour-accurate"), List.of("color accurate", "true color", "accurate color", "accurate colors")),
            Map.entry(Words.key("documentary photography"), List.of("documentary", "photojournalism", "reportage")),
            Map.entry(Words.key("candid, unposed moment"), List.of("candid", "unposed", "posed")));

    static Tag styleTag(String text) {
        return STYLE_TAGS.computeIfAbsent(text, t -> new Tag(t, STYLE_SYNONYMS.getOrDefault(Words.key(t), List.of())));
    }

    static String fill(Scene scene, Slot slot) {
        return FILLS.get(scene).get(slot);
    }

    static String lighting(Scene scene, Scene.TimeOfDay time) {
        return switch (time) {
            case NIGHT -> NIGHT_LIGHT;
            case GOLDEN -> GOLDEN_LIGHT;
            case OVERCAST -> DIFFUSED_LIGHT;
            case DAY -> fill(scene, Slot.LIGHTING);
        };
    }

    /** Scene-specific things to avoid, on top of the profile's. */
    static List<String> negatives(Scene scene) {
        return switch (scene) {
            case PORTRAIT -> List.of("distorted hands", "extra fingers", "asymmetric eyes");
            case PRODUCT -> List.of("dust", "fingerprints", "warped label");
            case FOOD -> List.of("unappetising", "artificial shine");
            default -> List.of();
        };
    }

    private static void fills(Scene scene, String composition, String lighting, String camera, String texture, String mood,
                              String cameraMove) {
        var fills = new EnumMap<Slot, String>(Slot.class);
        fills.put(Slot.COMPOSITION, composition);
        fills.put(Slot.LIGHTING, lighting);
        fills.put(Slot.CAMERA, camera);
        fills.put(Slot.TEXTURE, texture);
        fills.put(Slot.MOOD, mood);
        fills.put(Slot.CAMERA_MOVE, cameraMove);
        fills.put(Slot.MOTION, VIDEO_MOTION);
        fills.put(Slot.PACING, VIDEO_PACING);
        FILLS.put(scene, fills);
    }

    private SceneRules() {
    }
}
