package com.desayre.contracts;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a job is in the pipeline, and which moves between statuses are legal.
 *
 * <p>Projections (Postgres, the Redis status cache, SSE streams) apply a status only when
 * {@link #canMoveTo} allows it from the status they hold, so a redelivered or stale event never
 * moves a job backwards or out of a terminal status.
 */
public enum JobStatus {
    QUEUED, ENCODED, WAITING, SUBMITTED, PROCESSING, RETRYING, STORING, COMPLETED, FAILED, CANCELLED;

    /*
     * Forward moves may skip steps: stages publish on their own, so a projection can see a worker's
     * SUBMITTED before the encoder's ENCODED, or COMPLETED without every step before it. A late
     * earlier step is then stale and ignored; a terminal status is final.
     */
    private static final Map<JobStatus, Set<JobStatus>> NEXT = Map.of(
            QUEUED, EnumSet.of(ENCODED, WAITING, SUBMITTED, PROCESSING, RETRYING, STORING, COMPLETED, FAILED, CANCELLED),
            ENCODED, EnumSet.of(WAITING, SUBMITTED, PROCESSING, RETRYING, STORING, COMPLETED, FAILED, CANCELLED),
            // WAITING: at the worker, in line for a place in the provider's queue; repeats as the line moves
            WAITING, EnumSet.of(WAITING, SUBMITTED, PROCESSING, RETRYING, STORING, COMPLETED, FAILED, CANCELLED),
            // a synchronous provider answer goes straight from SUBMITTED to STORING
            SUBMITTED, EnumSet.of(PROCESSING, RETRYING, STORING, COMPLETED, FAILED, CANCELLED),
            // PROCESSING repeats as progress moves on
            PROCESSING, EnumSet.of(PROCESSING, RETRYING, STORING, COMPLETED, FAILED, CANCELLED),
            // RETRYING is informational (attempt n of m), may repeat, and leads back to a submit or a poll
            RETRYING, EnumSet.of(RETRYING, WAITING, SUBMITTED, PROCESSING, STORING, COMPLETED, FAILED, CANCELLED),
            STORING, EnumSet.of(COMPLETED, FAILED, CANCELLED),
            COMPLETED, EnumSet.noneOf(JobStatus.class),
            FAILED, EnumSet.noneOf(JobStatus.class),
            CANCELLED, EnumSet.noneOf(JobStatus.class));

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    public boolean canMoveTo(JobStatus next) {
        return NEXT.get(this).contains(next);
    }

    /** The statuses from which {@code this} is a legal next status. */
    public Set<JobStatus> legalPredecessors() {
        var from = EnumSet.noneOf(JobStatus.class);
        for (var candidate : values()) {
            if (candidate.canMoveTo(this)) {
                from.add(candidate);
            }
        }
        return from;
    }

    /**
     * Whether a projection holding {@code current} (null when it has seen nothing yet) should
     * apply {@code next}. A first sighting is always applied: stages publish concurrently, so
     * the first event a projection sees need not be QUEUED.
     */
    public static boolean shouldApply(JobStatus current, JobStatus next) {
        return current == null || current.canMoveTo(next);
    }
}
