package com.desayre.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The sends of one poll of a batch stage, each under the index of the record that caused it. A stage publishes
 * what a poll's records produce without waiting ({@link JobEvents#publish}), then waits once for all of them:
 * one broker round trip per poll instead of one per record. {@link #firstFailure()} says from which record on
 * the poll must be delivered again (the records before it are done: their offsets may commit).
 */
public final class PollSends {
    private record Sent(int index, CompletableFuture<Void> ack) { }

    private final List<Sent> sends = new ArrayList<>();

    public void add(int index, CompletableFuture<Void> ack) {
        sends.add(new Sent(index, ack));
    }

    public boolean isEmpty() {
        return sends.isEmpty();
    }

    /**
     * Waits for every send of the poll and forgets them; answers the lowest record index whose send failed, with
     * its cause, or null when the broker acknowledged them all.
     */
    public Failure firstFailure() {
        Failure first = null;
        for (var sent : sends) {
            try {
                JobEvents.await(sent.ack());
            } catch (RuntimeException e) {
                if (first == null || sent.index() < first.index()) {
                    first = new Failure(sent.index(), e);
                }
            }
        }
        sends.clear();
        return first;
    }

    /** A record whose output the broker did not take: it and the records after it are to be delivered again. */
    public record Failure(int index, RuntimeException cause) {
        /** Of two failures (either may be null), the one at the earlier record: the poll comes again from there. */
        public static Failure earlier(Failure a, Failure b) {
            if (a == null) {
                return b;
            }
            return b == null || a.index() <= b.index() ? a : b;
        }
    }
}
