package com.desayre.encoder.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The words of a text as a set of lower-case n-grams (1 to {@value #MAX_GRAM} words), so asking
 * whether a text mentions a term is one hash lookup instead of a scan. Spelling variants are
 * folded ("colour" and "color" are one word) and hyphens split words ("close-up" = "close up").
 */
final class Words {
    static final int MAX_GRAM = 6;

    private final Set<String> grams = new HashSet<>();
    private boolean focalLength;

    static Words of(String text) {
        var words = new Words();
        words.add(text);
        return words;
    }

    /** Adds a text's words, e.g. a segment the encoder just appended. */
    void add(String text) {
        var tokens = tokens(text);
        for (int i = 0; i < tokens.size(); i++) {
            var gram = new StringBuilder();
            for (int n = 0; n < MAX_GRAM && i + n < tokens.size(); n++) {
                if (n > 0) {
                    gram.append(' ');
                }
                gram.append(tokens.get(i + n));
                grams.add(gram.toString());
            }
            var token = tokens.get(i);
            if (token.length() > 2 && token.endsWith("mm") && Character.isDigit(token.charAt(0))) {
                focalLength = true;
            }
        }
    }

    /** Whether the text mentions {@code term} as whole words. */
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

    /** A focal length such as "85mm": the user chose a lens. */
    boolean mentionsFocalLength() {
        return focalLength;
    }

    /** The lookup key of a term: its tokens joined by single spaces. */
    static String key(String term) {
        return String.join(" ", tokens(term));
    }

    static List<String> tokens(String text) {
        var tokens = new ArrayList<String>();
        var lower = text.toLowerCase(Locale.ROOT);
        int start = -1;
        for (int i = 0; i <= lower.length(); i++) {
            var wordChar = i < lower.length() && Character.isLetterOrDigit(lower.charAt(i));
            if (wordChar && start < 0) {
                start = i;
            } else if (!wordChar && start >= 0) {
                tokens.add(fold(lower.substring(start, i)));
                start = -1;
            }
        }
        return tokens;
    }

    /** British and American spellings count as the same word. */
    private static String fold(String word) {
        return switch (word) {
            case "colour" -> "color";
            case "colours" -> "colors";
            case "coloured" -> "colored";
            case "grey" -> "gray";
            case "cosy" -> "cozy";
            case "centred", "centered" -> "centered";
            case "closeup" -> "close up";
            default -> word;
        };
    }
}
