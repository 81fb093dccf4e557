package com.desayre.contracts;

import org.jspecify.annotations.Nullable;

/**
 * What was sent to the model for a job, so the studio and the history can show it exactly.
 *
 * @param prompt         the encoded prompt
 * @param negativePrompt the negative prompt, or null where the model takes none
 * @param profile        the house-style profile used ({@code none} for raw mode)
 * @param encoderVersion the encoder and profile version: the same input and version give the same prompt
 * @param provider       where the job goes, e.g. {@code modelslabs}
 * @param model          the provider's model id, e.g. {@code nano-banana-pro}
 */
public record PromptEncoding(String prompt, @Nullable String negativePrompt, String profile, String encoderVersion, String provider,
                             String model) {
}
