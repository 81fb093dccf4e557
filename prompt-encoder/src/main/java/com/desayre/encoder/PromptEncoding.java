package com.desayre.encoder;

import com.desayre.contracts.JobSpec;
import java.text.Normalizer;

/**
 * A first, minimal encoding: normalise the text and, unless the user asked for their prompt raw,
 * add photorealism cues they have not written themselves. The full house-style encoder replaces
 * this; its version travels with every job so results can be traced to the encoding used.
 */
final class PromptEncoding {
    static final String VERSION = "minimal-1";
    private static final String[] REALISM_CUES = {"photorealistic", "natural light", "fine detail", "sharp focus"};

    String encode(JobSpec spec) {
        var prompt = normalise(spec.prompt());
        if (!spec.enhance()) {
            return prompt;
        }
        var encoded = new StringBuilder(prompt);
        var lower = prompt.toLowerCase(java.util.Locale.ROOT);
        for (var cue : REALISM_CUES) {
            if (!lower.contains(cue)) {
                encoded.append(", ").append(cue);
            }
        }
        return encoded.toString();
    }

    /** NFC, no control characters, single spaces. */
    static String normalise(String text) {
        var nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
        return nfc.replaceAll("\\p{Cc}+", " ").replaceAll("\\s+", " ").strip();
    }
}
