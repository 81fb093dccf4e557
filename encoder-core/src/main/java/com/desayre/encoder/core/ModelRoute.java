package com.desayre.encoder.core;

import com.desayre.contracts.JobKind;
import java.util.List;

/**
 * Where one kind of job goes, and what that model accepts.
 *
 * @param promptBudget        the longest prompt the model is sent, in characters (code points)
 * @param takesNegativePrompt whether the model honours a negative prompt
 * @param aspectRatios        the aspect ratios it can make
 */
public record ModelRoute(JobKind kind, String provider, String model, int promptBudget, boolean takesNegativePrompt,
                         List<String> aspectRatios) {

    public ModelRoute {
        aspectRatios = List.copyOf(aspectRatios);
        if (promptBudget < 100) {
            throw new IllegalArgumentException("a prompt budget under 100 characters leaves no room for a prompt");
        }
    }
}
