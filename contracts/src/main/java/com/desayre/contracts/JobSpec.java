package com.desayre.contracts;

import org.jspecify.annotations.Nullable;

/**
 * What the user asked for, validated by whoever published it. Travels with the job through
 * every stage so each stage can act without a lookup.
 *
 * @param ownerId        the user the job belongs to
 * @param prompt         the user's prompt, as written
 * @param aspectRatio    e.g. {@code 16:9}
 * @param width          output width in pixels derived from the aspect ratio
 * @param height         output height in pixels derived from the aspect ratio
 * @param seed           a seed for a repeatable result, or null for a random one
 * @param styleProfile   the house style to encode with, or null for the default
 * @param enhance        false sends the prompt to the model untouched
 * @param sourceMediaKey the stored image an edit or a video starts from, or null
 * @param durationSeconds a video's length in seconds, or null for the video worker's default (absent in older events)
 * @param resolution     a video's resolution, e.g. {@code 480p} or {@code 720p}, or null for the default (absent in older events)
 * @param maxWaitSeconds how long the job may wait in DESAYRE's own line for a place at the provider before it
 *                       ends FAILED / {@code EXPIRED_IN_QUEUE}; null = it waits as long as it takes (absent in older events)
 */
public record JobSpec(
        String ownerId,
        JobKind kind,
        String prompt,
        String aspectRatio,
        int width,
        int height,
        @Nullable Long seed,
        @Nullable String styleProfile,
        boolean enhance,
        Priority priority,
        @Nullable String sourceMediaKey,
        @Nullable Integer durationSeconds,
        @Nullable String resolution,
        @Nullable Integer maxWaitSeconds) {

    /** A spec with no limit on waiting in line. */
    public JobSpec(String ownerId, JobKind kind, String prompt, String aspectRatio, int width, int height, Long seed,
                   String styleProfile, boolean enhance, Priority priority, String sourceMediaKey,
                   Integer durationSeconds, String resolution) {
        this(ownerId, kind, prompt, aspectRatio, width, height, seed, styleProfile, enhance, priority, sourceMediaKey,
                durationSeconds, resolution, null);
    }

    /** A spec without video options (images, edits): duration and resolution are null. */
    public JobSpec(String ownerId, JobKind kind, String prompt, String aspectRatio, int width, int height, Long seed,
                   String styleProfile, boolean enhance, Priority priority, String sourceMediaKey) {
        this(ownerId, kind, prompt, aspectRatio, width, height, seed, styleProfile, enhance, priority, sourceMediaKey,
                null, null, null);
    }
}
