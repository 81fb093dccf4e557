package com.desayre.storage;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.platform.DatabaseOutages;
import com.desayre.platform.DeadLetters;
import com.desayre.platform.JobEvents;
import com.desayre.platform.JobTrace;
import com.desayre.platform.MediaStore;
import com.desayre.platform.PollSends;
import com.desayre.platform.PolledRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.stream.binder.ConsumerProperties;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.status} from every stage into the jobs table and each job's timeline.
 *
 * <p>A poll at a time (docs/architecture.md, "How a stage hands off"): its statuses are applied in their order in
 * one transaction of a few multi-row statements ({@link JobProjection#applyPoll}), and a database that is away is
 * waited out however long (a valid status is never dead-lettered for it). An unreadable record goes to
 * {@code generation.status.storage-sink.dlq} on its first delivery, inside the poll. When the transaction fails,
 * the poll is applied again one status at a time, as before batching, to find the record at fault: one that can
 * never succeed is dead-lettered, one that may (Postgres away) stops the poll there, to be delivered again.
 *
 * <p>A result can race a cancel: StoreMedia checks the job before and after storing, but a
 * CANCELLED projected in between leaves objects and media rows behind. The COMPLETED that the job
 * then refuses is the moment to notice: its media are deleted, so a cancelled or deleted job never
 * shows a picture.
 */
@Component("projectStatus")
class ProjectStatus implements Consumer<Message<List<byte[]>>> {
    private static final Logger log = LoggerFactory.getLogger(ProjectStatus.class);
    static final String BINDING = "projectStatus-in-0";
    static final String DLQ = "generation.status.storage-sink.dlq";

    private final JobProjection projection;
    private final MediaStore store;
    private final JobEvents events;
    private final ConsumerProperties binding;

    ProjectStatus(JobProjection projection, MediaStore store, JobEvents events, BindingServiceProperties bindings) {
        this.projection = projection;
        this.store = store;
        this.events = events;
        this.binding = bindings.getConsumerProperties(BINDING);
    }

    private record Read(PolledRecord record, StatusPoll.Projected projected) {
        StatusChanged event() {
            return projected.event();
        }
    }

    @Override
    public void accept(Message<List<byte[]>> poll) {
        var sends = new PollSends();
        var read = new ArrayList<Read>();
        for (var record : PolledRecord.of(poll)) {
            try {
                var event = EventJson.read(record.value(), StatusChanged.class);
                read.add(new Read(record, new StatusPoll.Projected(event, JobTrace.traceIdOf(record.traceparent()))));
            } catch (RuntimeException e) {
                sends.add(record.index(), DeadLetters.publish(events, DLQ, record, e)); // unreadable: it never will be
            }
        }
        PollSends.Failure failure = null;
        List<StatusPoll.Applied> applied;
        try {
            applied = DatabaseOutages.waitOut("a poll of " + read.size() + " statuses waits to be projected",
                    () -> projection.applyPoll(read.stream().map(Read::projected).toList()));
        } catch (RuntimeException e) {
            log.info("A poll of {} statuses failed as one transaction ({}): applying them one at a time", read.size(), e.toString());
            applied = new ArrayList<>();
            for (var r : read) {
                try {
                    boolean moved = DatabaseOutages.waitOut("the status of job " + r.event().jobId() + " waits to be projected",
                            () -> projection.apply(r.event(), r.projected().traceId()));
                    applied.add(new StatusPoll.Applied(moved, null));
                } catch (RuntimeException one) {
                    if (!DeadLetters.neverSucceeds(binding, one)) {
                        failure = new PollSends.Failure(r.record().index(), one);
                        break;
                    }
                    applied.add(new StatusPoll.Applied(true, null));
                    sends.add(r.record().index(), DeadLetters.publish(events, DLQ, r.record(), one));
                }
            }
        }
        for (int i = 0; i < applied.size(); i++) {
            var event = read.get(i).event();
            var known = applied.get(i).standing();
            try {
                if (!applied.get(i).moved() && event.status() == JobStatus.COMPLETED) {
                    // where the job stands after the poll: known from the poll's one read, else read now
                    var standing = known != null ? java.util.Optional.of(known) : DatabaseOutages.waitOut(
                            "job " + event.jobId() + " waits to be read", () -> projection.standing(event.jobId()));
                    standing.filter(job -> job.deleted() || job.status() != JobStatus.COMPLETED && job.status().isTerminal())
                            .ifPresent(job -> discardLateResult(event.jobId(), job));
                }
            } catch (RuntimeException e) {
                failure = PollSends.Failure.earlier(failure, new PollSends.Failure(read.get(i).record().index(), e));
                break;
            }
        }
        failure = PollSends.Failure.earlier(failure, sends.firstFailure());
        if (failure != null) {
            throw new BatchListenerFailedException("Projecting generation.status again from this record: "
                    + failure.cause().getMessage(), failure.cause(), failure.index());
        }
    }

    private void discardLateResult(String jobId, JobProjection.Standing job) {
        var keys = DatabaseOutages.waitOut("the late result of job " + jobId + " waits to be found", () -> projection.storedKeys(jobId));
        try {
            for (var key : keys) {
                DatabaseOutages.waitOut("object " + key + " waits to be deleted", DatabaseOutages::serverAway, () -> {
                    store.delete(key);
                    return null;
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException("discarding the late result of job " + jobId + " failed", e);
        }
        DatabaseOutages.waitOut("the late result of job " + jobId + " waits to be forgotten", () -> {
            projection.discardMedia(jobId);
            return null;
        });
        if (!keys.isEmpty()) {
            log.info("Job {} is {}; its late result ({} object(s)) was discarded", jobId, job.deleted() ? "deleted" : job.status(),
                    keys.size());
        }
    }

    /** The binding's error handler ({@code common-error-handler-bean-name: projectStatusErrors}). */
    @Configuration(proxyBeanMethods = false)
    static class Binding {
        @Bean
        CommonErrorHandler projectStatusErrors(JobEvents events, BindingServiceProperties bindings) {
            return DeadLetters.errorHandler(events, bindings.getConsumerProperties(BINDING), DLQ);
        }
    }
}
