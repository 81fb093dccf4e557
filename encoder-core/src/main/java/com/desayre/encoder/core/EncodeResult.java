package com.desayre.encoder.core;

import java.util.List;

/** Either the prompt to send, or why nothing may be sent. */
public sealed interface EncodeResult {

    /**
     * @param prompt         what the model is sent
     * @param negativePrompt what it should avoid, or null where the model takes none
     * @param profile        the profile used ({@code raw} when enhancement was off)
     * @param version        encoder rules + profile content: same input and version, same prompt
     * @param added          the segments the encoder added, in order, for people to see
     */
    record Encoded(String prompt, String negativePrompt, String profile, String version, ModelRoute route,
                   List<String> added) implements EncodeResult {
        public Encoded {
            added = List.copyOf(added);
        }
    }

    /**
     * @param code   a stable code: {@code PROMPT_REJECTED}, {@code UNKNOWN_PROFILE} or {@code UNSUPPORTED_OPTION}
     * @param field  the request field at fault, for an API error
     * @param reason a sentence the user can act on
     */
    record Rejected(String code, String field, String reason) implements EncodeResult {
    }
}
