package com.desayre.encoder.core;

import java.util.List;

/**
 * What a prompt is a picture of, recognised from its words. The first scene in declaration
 * order with the most matches wins, so the choice is deterministic.
 */
enum Scene {
    PORTRAIT(List.of("woman", "women", "man", "men", "person", "people", "portrait", "face", "girl", "boy", "child",
            "children", "kid", "model", "selfie", "couple", "bride", "groom", "actor", "actress", "chef", "musician",
            "dancer", "worker", "workers", "grandmother", "grandfather", "teenager", "athlete", "businessman",
            "businesswoman", "fisherman", "violinist", "she", "he", "family", "friends")),
    ANIMAL(List.of("dog", "dogs", "cat", "cats", "bird", "birds", "horse", "horses", "fox", "wolf", "lion", "tiger",
            "owl", "eagle", "deer", "bear", "puppy", "kitten", "wildlife", "elephant", "whale", "butterfly", "corgi",
            "labrador", "retriever", "poodle", "terrier", "bee", "honeybee", "insect", "dragonfly", "hummingbird",
            "animal", "animals")),
    PRODUCT(List.of("product", "bottle", "watch", "sneaker", "sneakers", "shoe", "shoes", "perfume", "packshot",
            "phone", "smartphone", "headphones", "cosmetics", "lipstick", "handbag", "jar", "packaging", "gadget",
            "mug", "jewelry", "ring", "necklace", "sunglasses")),
    FOOD(List.of("food", "dish", "plate", "burger", "cake", "pasta", "pizza", "salad", "dessert", "breakfast",
            "sushi", "bread", "croissant", "soup", "cocktail", "steak", "ramen", "pastry", "fruit")),
    INTERIOR(List.of("room", "kitchen", "living room", "bedroom", "interior", "office", "hallway", "lobby", "cafe",
            "restaurant", "bar", "library", "studio apartment", "bathroom", "loft", "hotel room", "classroom", "factory",
            "workshop", "warehouse", "cabin", "church", "museum")),
    URBAN(List.of("street", "city", "alley", "market", "skyline", "building", "buildings", "bridge", "tower",
            "facade", "architecture", "downtown", "subway", "station", "rooftop", "neighborhood", "square", "town")),
    LANDSCAPE(List.of("mountain", "mountains", "lake", "forest", "beach", "valley", "landscape", "sea", "ocean",
            "desert", "river", "wheat field", "fields", "waterfall", "canyon", "glacier", "meadow", "coast", "coastline",
            "island", "hills", "lighthouse", "countryside", "volcano", "jungle", "sky")),
    GENERAL(List.of());

    private final List<String> words;

    Scene(List<String> words) {
        this.words = words;
    }

    List<String> words() {
        return words;
    }

    static Scene of(Words text) {
        return text.scene();
    }

    /** Light the prompt implies by its time of day: it changes the lighting the encoder adds. */
    enum TimeOfDay {
        NIGHT(List.of("night", "midnight", "nighttime", "after dark", "starry", "stars")),
        GOLDEN(List.of("sunset", "sunrise", "dusk", "dawn", "evening", "twilight")),
        OVERCAST(List.of("fog", "foggy", "mist", "misty", "rain", "rainy", "storm", "stormy", "overcast", "cloudy",
                "snow", "snowy", "drizzle", "haze", "hazy")),
        DAY(List.of());

        private final List<String> words;

        TimeOfDay(List<String> words) {
            this.words = words;
        }

        List<String> words() {
            return words;
        }

        static TimeOfDay of(Words text) {
            return text.timeOfDay();
        }
    }

    /** Words that ask for a medium other than photography: no camera, realism or film tags then. */
    static final List<String> ART_MEDIA = List.of("illustration", "cartoon", "anime", "manga", "watercolor",
            "oil painting", "painting", "sketch", "drawing", "3d render", "pixel art", "vector", "comic", "clipart",
            "low poly", "line art", "charcoal", "pastel drawing", "ukiyo e", "claymation");
}
