package com.desayre.storage;

import com.desayre.contracts.JobError;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.MediaReady;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.StoredMedia;
import com.desayre.contracts.EventJson;
import com.desayre.platform.DatabaseOutages;
import com.desayre.platform.DeadLetters;
import com.desayre.platform.JobEvents;
import com.desayre.platform.JobTrace;
import com.desayre.platform.PollSends;
import com.desayre.platform.PolledRecord;
import com.desayre.platform.MediaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.media.ready}: copies each provider output into DESAYRE's own media
 * store (provider URLs are temporary) with a thumbnail beside it, records both in Postgres, and
 * completes the job. A poll at a time (docs/architecture.md, "How a stage hands off"; docs/storage-sink.md):
 * one query for where the poll's jobs stand; each result in turn downloaded, its thumbnail made and both
 * uploaded, its {@code STORING} handed to the producer without waiting; then, for the results the poll stored,
 * one multi-row upsert of their media rows, one query for where their jobs stand now, and their
 * {@code COMPLETED}, each in its record's trace; one wait for all of the poll's sends before its offsets commit.
 * A job whose result a poll holds twice says {@code STORING} and {@code COMPLETED} once, from its last result.
 * A terminal or deleted job gets no late result stored, and one cancelled or deleted while its result was stored
 * has it discarded instead of completed.
 *
 * <p>A database or media store that is away is waited out in place, however long ({@link DatabaseOutages}); any
 * other failure (a provider URL that does not answer) stops the poll at its record: the records before it are
 * finished first (their rows written, their {@code COMPLETED} sent and acknowledged), then it and those after it
 * are delivered again with the binding's back-off, and after its last delivery the job is failed clearly
 * ({@code STORAGE_FAILED}) before the record goes to {@code generation.media.ready.dlq}. Bad provider output
 * (bytes that are not media, an image that does not decode) fails its job at once ({@code BAD_PROVIDER_OUTPUT}).
 * A record that is not a result goes to the DLQ at once, from the poll. Keys are deterministic
 * ({@code <jobId>/<n>.<ext>}), so a redelivery overwrites the same objects and rows instead of duplicating them.
 */
@Component("storeMedia")
class StoreMedia implements Consumer<Message<List<byte[]>>> {
    private static final Logger log = LoggerFactory.getLogger(StoreMedia.class);
    static final String STAGE = "storage-sink";
    static final String BINDING = "storeMedia-in-0";
    static final String DLQ = "generation.media.ready.dlq";

    private final MediaDownloader downloader;
    private final MediaStore store;
    private final JobProjection projection;
    private final JobEvents events;

    StoreMedia(MediaDownloader downloader, MediaStore store, JobProjection projection, JobEvents events) {
        this.downloader = downloader;
        this.store = store;
        this.projection = projection;
        this.events = events;
    }

    /** A record of the poll: its result, or why it is not one. */
    private record Read(PolledRecord record, MediaReady ready, RuntimeException unreadable) {
    }

    /** A result whose objects are in the media store; its rows are written with the poll's others. */
    private record Stored(PolledRecord record, MediaReady ready, List<JobProjection.MediaRow> rows) {
        String jobId() {
            return ready.jobId();
        }

        List<StoredMedia> media() {
            return rows.stream().map(JobProjection.MediaRow::media).toList();
        }
    }

    /** What the poll did so far: what it stored, and which jobs it said STORING for or ended. */
    private static final class Poll {
        final PollSends sends = new PollSends();
        final List<Stored> stored = new ArrayList<>();
        final Set<String> storing = new HashSet<>();
        final Set<String> ended = new HashSet<>();
    }

    @Override
    public void accept(Message<List<byte[]>> records) {
        var reads = new ArrayList<Read>();
        for (var record : PolledRecord.of(records)) {
            try {
                reads.add(new Read(record, EventJson.read(record.value(), MediaReady.class), null));
            } catch (RuntimeException e) {
                reads.add(new Read(record, null, e));
            }
        }
        var jobIds = reads.stream().filter(r -> r.ready() != null).map(r -> r.ready().jobId()).toList();
        var before = standings(jobIds, "the jobs of a poll of " + jobIds.size() + " results wait to be read");
        var poll = new Poll();
        PollSends.Failure failure = null;
        for (var read : reads) {
            var record = read.record();
            if (read.ready() == null) {
                // not a result: it never will be
                poll.sends.add(record.index(), DeadLetters.publish(events, DLQ, record, read.unreadable()));
                continue;
            }
            var ready = read.ready();
            // each record in its job's trace: what it logs and publishes carries it (docs/tracing.md)
            try (var trace = JobTrace.resume(record.traceparent(), STAGE)) {
                MDC.put("jobId", ready.jobId());
                store(record, ready, standing(before, ready.jobId()), poll);
            } catch (IOException | RuntimeException e) {
                failure = new PollSends.Failure(record.index(), failed(ready.jobId(), e));
                break;
            } finally {
                MDC.remove("jobId");
            }
        }
        // the records before a failure are finished before it is thrown: their rows written, their COMPLETED acknowledged
        failure = PollSends.Failure.earlier(failure, complete(poll));
        failure = PollSends.Failure.earlier(failure, poll.sends.firstFailure());
        if (failure != null) {
            throw new BatchListenerFailedException("Storing generation.media.ready again from this record: "
                    + failure.cause().getMessage(), failure.cause(), failure.index());
        }
    }

    private static RuntimeException failed(String jobId, Exception e) {
        return e instanceof IOException io ? new UncheckedIOException("storing job " + jobId + " failed", io) : (RuntimeException) e;
    }

    /**
     * Where these jobs stand, in one query; null when that query fails other than by an outage (a job id the
     * database refuses): each job is then read on its own ({@link #standing}), so the failure stops the poll at its record.
     */
    private Map<String, JobProjection.Standing> standings(List<String> jobIds, String what) {
        try {
            return DatabaseOutages.waitOut(what, () -> projection.standings(jobIds));
        } catch (RuntimeException e) {
            log.info("Reading where {} jobs stand failed as one query ({}): reading them one at a time", jobIds.size(), e.toString());
            return null;
        }
    }

    /** Where the job stands, from the poll's query ({@link #standings}), else read now; null when the history lacks it. */
    private JobProjection.Standing standing(Map<String, JobProjection.Standing> read, String jobId) {
        return read != null ? read.get(jobId)
                : DatabaseOutages.waitOut("job " + jobId + " waits to be read", () -> projection.standing(jobId)).orElse(null);
    }

    /** The binding's error handler ({@code common-error-handler-bean-name: storeMediaErrors}). */
    @Configuration(proxyBeanMethods = false)
    static class Binding {
        /**
         * After the binding's last delivery of a result that could not be stored, the job fails clearly
         * ({@code STORAGE_FAILED}), then the record goes to the DLQ: a job never stays STORING for ever.
         */
        @Bean
        CommonErrorHandler storeMediaErrors(JobEvents events, BindingServiceProperties bindings) {
            var binding = bindings.getConsumerProperties(BINDING);
            // Spring Cloud Stream 5: max-attempts counts retries, so one more delivery than that
            int deliveries = binding.getMaxAttempts() + 1;
            return DeadLetters.errorHandler(events, binding, DLQ, (record, failure) -> {
                if (!(record.value() instanceof byte[] value)) {
                    return;
                }
                var ready = EventJson.read(value, MediaReady.class);
                var traceparent = record.headers().lastHeader(JobTrace.HEADER);
                try (var trace = JobTrace.resume(traceparent == null ? null : JobTrace.headerValue(traceparent.value()), STAGE)) {
                    var tries = DeadLetters.neverSucceeds(binding, failure) ? "" : " after " + deliveries + " tries";
                    log.warn("Storing the result of job {} failed{}: {}", ready.jobId(), tries, failure.getMessage());
                    events.status(StatusChanged.failed(ready.jobId(), ready.spec(), STAGE, new JobError(JobError.STORAGE_FAILED,
                            "DESAYRE could not save the result" + tries + ". Please run the job again.")));
                }
            });
        }
    }

    /**
     * Stores one result's objects, or none when its job had ended (before the poll, or earlier in it); its
     * {@code STORING} or {@code FAILED} is handed to the producer without waiting, its rows wait for the poll's.
     */
    private void store(PolledRecord record, MediaReady ready, JobProjection.Standing standing, Poll poll) throws IOException {
        if (poll.ended.contains(ready.jobId())) {
            log.info("Job failed earlier in this poll; its late result is not stored");
            return;
        }
        if (standing != null && (standing.status().isTerminal() || standing.deleted())) {
            log.info("Job is {}; its late result is not stored", standing.deleted() ? "deleted" : standing.status());
            return;
        }
        Consumer<StatusChanged> say = status -> poll.sends.add(record.index(), events.publishStatus(status));
        if (poll.storing.add(ready.jobId())) {
            say.accept(StatusChanged.of(ready.jobId(), ready.spec(), JobStatus.STORING, STAGE, "Saving your media."));
        }
        var rows = new ArrayList<JobProjection.MediaRow>();
        var stored = new ArrayList<StoredMedia>();
        for (int i = 0; i < ready.outputUrls().size(); i++) {
            MediaDownloader.Downloaded media;
            try {
                media = downloader.download(ready.outputUrls().get(i));
            } catch (BadProviderOutputException e) {
                failBadOutput(ready, stored, e, say, poll);
                return;
            }
            Thumbnails.Thumbnail thumb = null;
            var key = ready.jobId() + "/" + i + "." + media.extension();
            // the original goes up while this thread makes the thumbnail
            var upload = store.putAsync(key, media.file(), media.mimeType());
            try {
                thumb = (media.mimeType().startsWith("video/") ? Thumbnails.ofVideo(media.file()) : Thumbnails.of(media.file()))
                        .orElse(null);
                String thumbKey = null;
                if (thumb != null) {
                    var thumbFile = thumb.file();
                    var thumbAt = ready.jobId() + "/" + i + ".thumb.jpg";
                    storeWaitingOut(thumbAt, () -> store.put(thumbAt, thumbFile, "image/jpeg"));
                    thumbKey = thumbAt;
                }
                try {
                    MediaStore.await(upload);
                } catch (IOException | RuntimeException e) {
                    if (!DatabaseOutages.serverAway(e)) {
                        throw e;
                    }
                    storeWaitingOut(key, () -> store.put(key, media.file(), media.mimeType()));
                }
                var output = new StoredMedia(key, media.mimeType(), media.width(), media.height(), media.bytes(), media.sha256(),
                        thumbKey, media.durationMillis());
                stored.add(output);
                rows.add(new JobProjection.MediaRow(ready.jobId(), i, output, thumb == null ? null : thumb.width(),
                        thumb == null ? null : thumb.height(), ready.providerRequestId(), ready.route().model(), ready.seed()));
            } catch (BadProviderOutputException e) {
                // a PNG or JPEG by its first bytes whose image data does not decode: the original went up meanwhile
                upload.handle((done, error) -> null).join();
                store.delete(key);
                failBadOutput(ready, stored, e, say, poll);
                return;
            } finally {
                // the upload reads the file until it ends, also when the thumbnail failed
                upload.handle((done, error) -> null).join();
                Files.deleteIfExists(media.file());
                if (thumb != null) {
                    Files.deleteIfExists(thumb.file());
                }
            }
        }
        poll.stored.add(new Stored(record, ready, rows));
    }

    /**
     * For the results the poll stored: their media rows in one statement, where their jobs stand now in one query,
     * then each job's {@code COMPLETED} (from its last result in the poll), or its result discarded when a cancel or
     * a delete landed while it was stored (no {@code COMPLETED} is said then).
     *
     * @return the record from which the poll must come again, or null
     */
    private PollSends.Failure complete(Poll poll) {
        if (poll.stored.isEmpty()) {
            return null;
        }
        PollSends.Failure failure = null;
        List<Stored> written = poll.stored;
        try {
            DatabaseOutages.waitOut("the media of " + poll.stored.size() + " results wait to be recorded", () -> {
                projection.saveMedia(poll.stored.stream().flatMap(s -> s.rows().stream()).toList());
                return null;
            });
        } catch (RuntimeException e) {
            // one result at a time, to find the one at fault: those before it are finished, it and those after come again
            log.info("The media of a poll of {} results failed as one statement ({}): writing them one result at a time",
                    poll.stored.size(), e.toString());
            written = new ArrayList<>();
            for (var result : poll.stored) {
                try {
                    DatabaseOutages.waitOut("the media of job " + result.jobId() + " wait to be recorded", () -> {
                        projection.saveMedia(result.rows());
                        return null;
                    });
                    written.add(result);
                } catch (RuntimeException one) {
                    failure = new PollSends.Failure(result.record().index(), one);
                    break;
                }
            }
        }
        if (written.isEmpty()) {
            return failure;
        }
        var now = standings(written.stream().map(Stored::jobId).toList(),
                "the jobs of " + written.size() + " stored results wait to be read");
        var last = new HashMap<String, Stored>();
        written.forEach(result -> last.put(result.jobId(), result));
        for (var result : written) {
            if (last.get(result.jobId()) != result) {
                continue; // the job's last result in the poll speaks for it
            }
            var record = result.record();
            var jobId = result.jobId();
            try (var trace = JobTrace.resume(record.traceparent(), STAGE)) {
                MDC.put("jobId", jobId);
                var job = standing(now, jobId);
                if (job != null && (job.deleted() || job.status().isTerminal() && job.status() != JobStatus.COMPLETED)) {
                    // a cancel or a delete landed while we stored: the result goes, and no COMPLETED is said
                    discard(jobId, mediaOf(written, jobId));
                    log.info("Job became {} while its result was stored; the result was discarded",
                            job.deleted() ? "deleted" : job.status());
                } else {
                    poll.sends.add(record.index(), events.publishStatus(StatusChanged.completed(jobId, result.ready().spec(), STAGE,
                            result.media())));
                    log.info("Stored {} output(s)", result.rows().size());
                }
            } catch (IOException | RuntimeException e) {
                return PollSends.Failure.earlier(failure, new PollSends.Failure(record.index(), failed(jobId, e)));
            } finally {
                MDC.remove("jobId");
            }
        }
        return failure;
    }

    /** Every object the poll stored for a job: its results in one poll share their keys, or add to them. */
    private static List<StoredMedia> mediaOf(List<Stored> results, String jobId) {
        return results.stream().filter(s -> s.jobId().equals(jobId)).flatMap(s -> s.media().stream()).distinct().toList();
    }

    /**
     * Retrying won't help: the job fails clearly, and outputs already stored for it go (also those of its results
     * earlier in this poll, whose rows were not written yet), so no half result stays.
     */
    private void failBadOutput(MediaReady ready, List<StoredMedia> stored, BadProviderOutputException e,
                               Consumer<StatusChanged> say, Poll poll) throws IOException {
        poll.ended.add(ready.jobId());
        var objects = new ArrayList<>(stored);
        objects.addAll(mediaOf(poll.stored, ready.jobId()));
        poll.stored.removeIf(result -> result.jobId().equals(ready.jobId()));
        discard(ready.jobId(), objects.stream().distinct().toList());
        say.accept(StatusChanged.failed(ready.jobId(), ready.spec(), STAGE, new JobError(JobError.BAD_PROVIDER_OUTPUT, e.getMessage())));
    }

    private void discard(String jobId, List<StoredMedia> stored) throws IOException {
        for (var media : stored) {
            storeWaitingOut(media.key(), () -> store.delete(media.key()));
            if (media.thumbnailKey() != null) {
                storeWaitingOut(media.thumbnailKey(), () -> store.delete(media.thumbnailKey()));
            }
        }
        DatabaseOutages.waitOut("the media of job " + jobId + " wait to be forgotten", () -> {
            projection.discardMedia(jobId);
            return null;
        });
    }

    private interface StoreCall {
        void run() throws IOException;
    }

    /** A media store that is away (R2 unreachable, answering 503) is waited out; any other failure is thrown. */
    private static void storeWaitingOut(String key, StoreCall call) throws IOException {
        DatabaseOutages.waitOut("object " + key + " waits for the media store", DatabaseOutages::serverAway, () -> {
            call.run();
            return null;
        });
    }
}
