package com.desayre.encoder.core;

import java.util.List;
import java.util.Map;

/**
 * A named house style. Its content is part of the encoder version, so changing a profile
 * changes the version that travels with every job encoded with it.
 *
 * @param styleTags     added to images and videos (not to edits, which keep the original's look)
 * @param negativeTerms what the model should avoid, where it takes a negative prompt
 * @param slotFills     fills that replace the scene rules' choice for a slot, e.g. documentary lighting
 */
public record StyleProfile(String name, String description, List<String> styleTags, List<String> negativeTerms,
                           Map<Slot, String> slotFills) {

    public StyleProfile {
        styleTags = List.copyOf(styleTags);
        negativeTerms = List.copyOf(negativeTerms);
        slotFills = Map.copyOf(slotFills);
    }

    /** A canonical text of everything that shapes an encoding, for the version hash. */
    String canonical() {
        var fills = new java.util.TreeMap<>(slotFills);
        return name + "|" + String.join(";", styleTags) + "|" + String.join(";", negativeTerms) + "|" + fills;
    }
}
