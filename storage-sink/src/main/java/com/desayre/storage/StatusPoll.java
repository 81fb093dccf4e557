package com.desayre.storage;

import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a poll of statuses does to the history, worked out in memory from where its jobs stood before it (one read),
 * so that it is written as a few multi-row statements ({@link JobProjection#applyPoll}) instead of two or three per
 * status. The rules are those of one status at a time, applied in the poll's order: a job moves only along
 * {@link JobStatus#canMoveTo} from where the poll's earlier statuses left it (a job not in the history yet is
 * inserted by its first status); a refused terminal status stays out of the timeline; only a job's first
 * {@code WAITING} goes into it; the last encoding of a job wins.
 */
final class StatusPoll {
    /** A status read from the poll, with the trace id of its record ({@code traceparent}), or null. */
    record Projected(StatusChanged event, String traceId) {
    }

    /** For one status of the poll: whether its job moved to it, and where the job stands after the whole poll. */
    record Applied(boolean moved, JobProjection.Standing standing) {
    }

    /** A job's row as the poll leaves it: inserted (it was not in the history) or updated. */
    static final class JobRow {
        final String jobId;
        final String ownerId;
        final String kind;
        final boolean inserted;
        JobStatus status;
        String stage;
        String message;
        String errorCode;
        OffsetDateTime createdAt;
        OffsetDateTime updatedAt;
        OffsetDateTime completedAt;
        String traceId;

        JobRow(StatusChanged first, boolean inserted, OffsetDateTime occurred, String traceId) {
            this.jobId = first.jobId();
            this.ownerId = first.ownerId();
            this.kind = first.kind().name();
            this.inserted = inserted;
            this.createdAt = occurred;
            this.traceId = traceId;
        }
    }

    /** The jobs that moved, in the order they first did. */
    final Map<String, JobRow> rows = new LinkedHashMap<>();
    /** The statuses that go into the timeline, in the poll's order (one per event id). */
    final List<StatusChanged> timeline = new ArrayList<>();
    /** Each job's last encoding in the poll: a fact about the job whatever its status. */
    final Map<String, StatusChanged> encodings = new LinkedHashMap<>();
    final List<Applied> applied = new ArrayList<>();

    static StatusPoll plan(List<Projected> poll, Map<String, JobProjection.Standing> before) {
        var plan = new StatusPoll();
        var current = new HashMap<String, JobStatus>();
        before.forEach((jobId, standing) -> current.put(jobId, standing.status()));
        var eventIds = new HashSet<String>();
        var waiting = new HashSet<String>();
        var moved = new ArrayList<Boolean>();
        for (var projected : poll) {
            var event = projected.event();
            var occurred = event.occurredAt().atOffset(ZoneOffset.UTC);
            var now = current.get(event.jobId());
            boolean moves = now == null || event.status().legalPredecessors().contains(now);
            if (moves) {
                var row = plan.rows.get(event.jobId());
                if (row == null) {
                    row = new JobRow(event, !before.containsKey(event.jobId()), occurred, projected.traceId());
                    plan.rows.put(event.jobId(), row);
                } else {
                    row.createdAt = occurred.isBefore(row.createdAt) ? occurred : row.createdAt;
                    row.traceId = row.traceId != null ? row.traceId : projected.traceId();
                }
                row.status = event.status();
                row.stage = event.stage();
                row.message = event.message();
                row.errorCode = event.error() == null ? null : event.error().code();
                row.updatedAt = occurred;
                row.completedAt = event.status().isTerminal() ? occurred : null;
                current.put(event.jobId(), event.status());
            }
            moved.add(moves);
            if ((moves || !event.status().isTerminal()) && eventIds.add(event.eventId())
                    && (event.status() != JobStatus.WAITING || waiting.add(event.jobId()))) {
                plan.timeline.add(event);
            }
            if (event.encoding() != null) {
                plan.encodings.remove(event.jobId());
                plan.encodings.put(event.jobId(), event);
            }
        }
        for (int i = 0; i < poll.size(); i++) {
            var jobId = poll.get(i).event().jobId();
            var deleted = before.containsKey(jobId) && before.get(jobId).deleted();
            plan.applied.add(new Applied(moved.get(i), new JobProjection.Standing(current.get(jobId), deleted)));
        }
        return plan;
    }
}
