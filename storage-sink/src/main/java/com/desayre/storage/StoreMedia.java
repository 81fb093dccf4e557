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
import java.util.List;
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
 * completes the job. A poll at a time (docs/architecture.md, "How a stage hands off"): each record in
 * turn, its {@code STORING} and {@code COMPLETED} handed to the producer without waiting, one wait for
 * all of the poll's sends before its offsets commit. A database or media store that is away is waited
 * out in place, however long ({@link DatabaseOutages}); any other failure (a provider URL that does not
 * answer) stops the poll at its record, which is delivered again with the binding's back-off, and after
 * its last delivery the job is failed clearly ({@code STORAGE_FAILED}) before the record goes to
 * {@code generation.media.ready.dlq}. A record that is not a result goes there at once, from the poll.
 * Keys are deterministic ({@code <jobId>/<n>.<ext>}), so a redelivery overwrites the same objects and
 * rows instead of duplicating them.
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

    @Override
    public void accept(Message<List<byte[]>> poll) {
        var sends = new PollSends();
        PollSends.Failure failure = null;
        for (var record : PolledRecord.of(poll)) {
            MediaReady ready;
            try {
                ready = EventJson.read(record.value(), MediaReady.class);
            } catch (RuntimeException e) {
                sends.add(record.index(), DeadLetters.publish(events, DLQ, record, e)); // not a result: it never will be
                continue;
            }
            // each record in its job's trace: what it logs and publishes carries it (docs/tracing.md)
            try (var trace = JobTrace.resume(record.traceparent(), STAGE)) {
                MDC.put("jobId", ready.jobId());
                store(ready, status -> sends.add(record.index(), events.publishStatus(status)));
            } catch (IOException | RuntimeException e) {
                failure = new PollSends.Failure(record.index(),
                        e instanceof IOException io ? new UncheckedIOException("storing job " + ready.jobId() + " failed", io)
                                : (RuntimeException) e);
                break;
            } finally {
                MDC.remove("jobId");
            }
        }
        failure = PollSends.Failure.earlier(failure, sends.firstFailure());
        if (failure != null) {
            throw new BatchListenerFailedException("Storing generation.media.ready again from this record: "
                    + failure.cause().getMessage(), failure.cause(), failure.index());
        }
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

    /** Stores one result; its statuses go to {@code say}, which hands them to the producer without waiting. */
    private void store(MediaReady ready, Consumer<StatusChanged> say) throws IOException {
        var standing = DatabaseOutages.waitOut("job " + ready.jobId() + " waits to be read", () -> projection.standing(ready.jobId()));
        if (standing.map(j -> j.status().isTerminal() || j.deleted()).orElse(false)) {
            log.info("Job is {}; its late result is not stored", standing.get().deleted() ? "deleted" : standing.get().status());
            return;
        }
        say.accept(StatusChanged.of(ready.jobId(), ready.spec(), JobStatus.STORING, STAGE, "Saving your media."));
        var stored = new ArrayList<StoredMedia>();
        for (int i = 0; i < ready.outputUrls().size(); i++) {
            MediaDownloader.Downloaded media;
            try {
                media = downloader.download(ready.outputUrls().get(i));
            } catch (BadProviderOutputException e) {
                failBadOutput(ready, stored, e, say);
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
                var index = i;
                var thumbnail = thumb;
                var thumbnailKey = thumbKey;
                DatabaseOutages.waitOut("the media of job " + ready.jobId() + " wait to be recorded", () -> {
                    projection.saveMedia(ready.jobId(), index, media, key, thumbnail, thumbnailKey, ready.providerRequestId(),
                            ready.route().model(), ready.seed());
                    return null;
                });
                stored.add(new StoredMedia(key, media.mimeType(), media.width(), media.height(), media.bytes(),
                        media.sha256(), thumbKey, media.durationMillis()));
            } catch (BadProviderOutputException e) {
                // a PNG or JPEG by its first bytes whose image data does not decode: the original went up meanwhile
                upload.handle((done, error) -> null).join();
                store.delete(key);
                failBadOutput(ready, stored, e, say);
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
        // a cancel or a delete may have landed while we stored: then the result goes, and no COMPLETED is said
        var now = DatabaseOutages.waitOut("job " + ready.jobId() + " waits to be read", () -> projection.standing(ready.jobId()));
        if (now.map(j -> j.deleted() || j.status().isTerminal() && j.status() != JobStatus.COMPLETED).orElse(false)) {
            discard(ready.jobId(), stored);
            log.info("Job became {} while its result was stored; the result was discarded",
                    now.get().deleted() ? "deleted" : now.get().status());
            return;
        }
        say.accept(StatusChanged.completed(ready.jobId(), ready.spec(), STAGE, stored));
        log.info("Stored {} output(s)", stored.size());
    }

    /** Retrying won't help: the job fails clearly, and outputs already stored for it go, so no half result stays. */
    private void failBadOutput(MediaReady ready, List<StoredMedia> stored, BadProviderOutputException e,
                               Consumer<StatusChanged> say) throws IOException {
        discard(ready.jobId(), stored);
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
