package com.desayre.encoder.core;

import java.util.List;

/**
 * A part of a good prompt the encoder fills when the user left it out. A slot counts as filled
 * when the prompt mentions any of its words, so the encoder never contradicts what was written.
 */
public enum Slot {
    COMPOSITION(List.of("composition", "framing", "framed", "close up", "wide shot", "medium shot", "full body",
            "full length", "overhead", "top down", "flat lay", "aerial", "bird s eye view", "low angle", "high angle",
            "eye level", "rule of thirds", "symmetrical", "centered", "establishing shot", "three quarter",
            "profile view", "from above", "from below", "wide angle view", "panorama", "panoramic")),
    LIGHTING(List.of("light", "lights", "lighting", "lit", "sunlight", "daylight", "backlit", "backlight",
            "golden hour", "blue hour", "shadow", "shadows", "softbox", "neon", "candlelight", "candlelit",
            "moonlight", "moonlit", "lamp", "lamps", "illuminated", "glow", "glowing", "sunlit", "overcast",
            "flash", "chiaroscuro", "spotlight")),
    CAMERA(List.of("camera", "lens", "aperture", "shot on", "bokeh", "depth of field", "dslr", "canon", "nikon",
            "sony", "leica", "fujifilm", "hasselblad", "iphone", "telephoto", "macro", "focal length")),
    TEXTURE(List.of("texture", "textured", "textures", "detail", "detailed", "details", "pores", "materials",
            "surface", "surfaces")),
    MOOD(List.of("mood", "moody", "atmosphere", "atmospheric", "serene", "calm", "dramatic", "melancholic",
            "melancholy", "cheerful", "joyful", "eerie", "cozy", "romantic", "tense", "peaceful", "nostalgic",
            "mysterious", "whimsical", "somber", "gloomy", "playful")),
    CAMERA_MOVE(List.of("dolly", "pan", "pans", "panning", "tilt", "tilts", "zoom", "zooms", "zooming", "tracking",
            "orbit", "orbits", "orbiting", "handheld", "crane", "drone", "static shot", "locked off", "push in",
            "pull back", "camera move", "camera moves", "fly through", "flythrough", "drift", "drifts")),
    MOTION(List.of("motion", "moving", "moves", "move", "walks", "walking", "runs", "running", "flowing", "flows",
            "blowing", "swaying", "sways", "waves", "turns", "turning", "dancing", "dances", "falling", "flying",
            "spinning", "rippling")),
    PACING(List.of("pacing", "paced", "slow motion", "slow mo", "timelapse", "time lapse", "real time",
            "continuous shot", "one shot", "single take", "cuts", "fast cuts"));

    private final List<String> words;

    Slot(List<String> words) {
        this.words = words;
    }

    List<String> words() {
        return words;
    }

    boolean filledIn(Words text) {
        return text.slots().contains(this);
    }
}
