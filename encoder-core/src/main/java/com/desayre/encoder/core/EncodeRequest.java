package com.desayre.encoder.core;

import com.desayre.contracts.JobKind;

/**
 * @param profile        a style profile name, or null for the default
 * @param enhance        false: the prompt is only normalised (raw mode)
 * @param aspectRatio    e.g. 16:9, or null for the model's first
 * @param hasSourceImage a video that starts from an image keeps that frame's look
 */
public record EncodeRequest(JobKind kind, String prompt, String profile, boolean enhance, String aspectRatio,
                            boolean hasSourceImage) {

    public static EncodeRequest image(String prompt) {
        return new EncodeRequest(JobKind.IMAGE, prompt, null, true, null, false);
    }
}
