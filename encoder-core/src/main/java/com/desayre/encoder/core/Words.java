package com.desayre.encoder.core;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The words of a text as a set of lower-case n-grams (1 to {@value #MAX_GRAM} words within one
 * phrase), so asking whether a text mentions a term is one hash lookup. N-grams never cross
 * punctuation: "red, light" does not mention "red light", and a segment the encoder appends
 * after a comma can never combine with the user's last word into a new term. Spelling variants
 * are folded ("colour" = "color") and hyphens split words ("close-up" = "close up").
 *
 * <p>What a text means to the encoder (filled slots, scene, time of day, other medium) is read in
 * one pass over its n-grams against a {@link Lexicon} built once from every rule's words.
 */
final class Words {
    static final int MAX_GRAM = 6;

    private final Set<String> grams;
    private final boolean focalLength;
    private EnumSet<Slot> slots;

    private Words(Set<String> grams, boolean focalLength) {
        this.grams = grams;
        this.focalLength = focalLength;
    }

    static Words of(String text) {
        var grams = new HashSet<String>();
        var focal = false;
        for (var phrase : phrases(text)) {
            for (int i = 0; i < phrase.size(); i++) {
                var gram = new StringBuilder();
                for (int n = 0; n < MAX_GRAM && i + n < phrase.size(); n++) {
                    if (n > 0) {
                        gram.append(' ');
                    }
                    gram.append(phrase.get(i + n));
                    grams.add(gram.toString());
                }
                var token = phrase.get(i);
                focal |= token.length() > 2 && token.endsWith("mm") && Character.isDigit(token.charAt(0));
            }
        }
        return new Words(grams, focal);
    }

    /** Whether the text mentions a term already in {@link #key} form. */
    boolean mentionsKey(String key) {
        return grams.contains(key);
    }

    /** Whether the text mentions {@code term} as whole words (normalises the term: the slow path). */
    boolean mentions(String term) {
        return grams.contains(key(term));
    }

    boolean mentionsAny(List<String> terms) {
        for (var term : terms) {
            if (mentions(term)) {
                return true;
            }
        }
        return false;
    }

    /** The slots this text fills; computed once. */
    EnumSet<Slot> slots() {
        if (slots == null) {
            var filled = EnumSet.noneOf(Slot.class);
            for (var gram : grams) {
                var meaning = Lexicon.SLOTS.get(gram);
                if (meaning != null) {
                    filled.addAll(meaning);
                }
            }
            if (focalLength) {
                filled.add(Slot.CAMERA);
            }
            slots = filled;
        }
        return slots;
    }

    Scene scene() {
        var votes = new EnumMap<Scene, Integer>(Scene.class);
        for (var gram : grams) {
            var scene = Lexicon.SCENES.get(gram);
            if (scene != null) {
                votes.merge(scene, 1, Integer::sum);
            }
        }
        var best = Scene.GENERAL;
        var bestCount = 0;
        for (var scene : Scene.values()) {
            var count = votes.getOrDefault(scene, 0);
            if (count > bestCount) {
                best = scene;
                bestCount = count;
            }
        }
        return best;
    }

    Scene.TimeOfDay timeOfDay() {
        var found = Scene.TimeOfDay.DAY;
        for (var gram : grams) {
            var time = Lexicon.TIMES.get(gram);
            if (time != null && time.ordinal() < found.ordinal()) {
                found = time;
            }
        }
        return found;
    }

    boolean asksForAnotherMedium() {
        for (var gram : grams) {
            if (Lexicon.ART_MEDIA.contains(gram)) {
                return true;
            }
        }
        return false;
    }

    /** The lookup key of a term: its tokens joined by single spaces. */
    static String key(String term) {
        var tokens = new ArrayList<String>();
        phrases(term).forEach(tokens::addAll);
        return String.join(" ", tokens);
    }

    static List<String> tokens(String text) {
        var tokens = new ArrayList<String>();
        phrases(text).forEach(tokens::addAll);
        return tokens;
    }

    /** Lower-case, folded tokens, grouped into phrases at punctuation that ends a phrase. */
    private static List<List<String>> phrases(String text) {
        var phrases = new ArrayList<List<String>>();
        var phrase = new ArrayList<String>();
        var lower = text.toLowerCase(Locale.ROOT);
        int start = -1;
        for (int i = 0; i <= lower.length(); i++) {
            var c = i < lower.length() ? lower.charAt(i) : ' ';
            var wordChar = Character.isLetterOrDigit(c);
            if (wordChar && start < 0) {
                start = i;
            } else if (!wordChar && start >= 0) {
                fold(lower.substring(start, i), phrase);
                start = -1;
            }
            if (!wordChar && ",;.:!?、。，；！？".indexOf(c) >= 0 && !phrase.isEmpty()) {
                phrases.add(phrase);
                phrase = new ArrayList<>();
            }
        }
        if (!phrase.isEmpty()) {
            phrases.add(phrase);
        }
        return phrases;
    }

    /** British and American spellings count as the same word. */
    private static void fold(String word, List<String> into) {
        switch (word) {
            case "colour" -> into.add("color");
            case "colours" -> into.add("colors");
            case "coloured" -> into.add("colored");
            case "grey" -> into.add("gray");
            case "cosy" -> into.add("cozy");
            case "centred" -> into.add("centered");
            case "closeup" -> {
                into.add("close");
                into.add("up");
            }
            default -> into.add(word);
        }
    }

    /** Every rule's words in key form, built once: what an n-gram means to the encoder. */
    static final class Lexicon {
        static final Map<String, EnumSet<Slot>> SLOTS = new HashMap<>();
        static final Map<String, Scene> SCENES = new HashMap<>();
        static final Map<String, Scene.TimeOfDay> TIMES = new HashMap<>();
        static final Set<String> ART_MEDIA = new HashSet<>();

        static {
            for (var slot : Slot.values()) {
                slot.words().forEach(word -> SLOTS.computeIfAbsent(key(word), k -> EnumSet.noneOf(Slot.class)).add(slot));
            }
            for (var scene : Scene.values()) {
                scene.words().forEach(word -> SCENES.putIfAbsent(key(word), scene));
            }
            for (var time : Scene.TimeOfDay.values()) {
                time.words().forEach(word -> TIMES.putIfAbsent(key(word), time));
            }
            Scene.ART_MEDIA.forEach(word -> ART_MEDIA.add(key(word)));
        }

        private Lexicon() {
        }
    }
}
