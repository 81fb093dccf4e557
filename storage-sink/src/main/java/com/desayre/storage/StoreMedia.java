package com.desayre.storage;

import com.desayre.contracts.JobError;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.MediaReady;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.StoredMedia;
import com.desayre.platform.DatabaseOutages;
import com.desayre.platform.JobEvents;
import com.desayre.platform.MediaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.media.ready}: copies each provider output into DESAYRE's own media
 * store (provider URLs are temporary) with a thumbnail beside it, records both in Postgres, and
 * completes the job. An I/O failure (download, media store, database) throws, so the binder
 * retries with backoff; the record is committed only after the objects and their rows are all
 * written. Keys are deterministic ({@code <jobId>/<n>.<ext>}), so a redelivery overwrites the same
 * objects and rows instead of duplicating them. On the last delivery the job is failed clearly
 * before the record goes to {@code generation.media.ready.dlq}.
 */
@Component("storeMedia")
class StoreMedia implements Consumer<Message<MediaReady>> {
    private static final Logger log = LoggerFactory.getLogger(StoreMedia.class);
    static final String STAGE = "storage-sink";
    static final String BINDING = "storeMedia-in-0";

    private final MediaDownloader downloader;
    private final MediaStore store;
    private final JobProjection projection;
    private final JobEvents events;
    private final int deliveries;

    StoreMedia(MediaDownloader downloader, MediaStore store, JobProjection projection, JobEvents events,
               BindingServiceProperties bindings) {
        this.downloader = downloader;
        this.store = store;
        this.projection = projection;
        this.events = events;
        // Spring Cloud Stream 5: max-attempts counts retries, so one more delivery than that
        this.deliveries = bindings.getConsumerProperties(BINDING).getMaxAttempts() + 1;
    }

    @Override
    public void accept(Message<MediaReady> message) {
        var ready = message.getPayload();
        MDC.put("jobId", ready.jobId());
        try {
            store(ready);
        } catch (IOException | RuntimeException e) {
            var attempt = message.getHeaders().get(IntegrationMessageHeaderAccessor.DELIVERY_ATTEMPT, AtomicInteger.class);
            if (attempt != null && attempt.get() >= deliveries) {
                log.warn("Storing failed on the last of {} deliveries: {}", deliveries, e.getMessage());
                events.status(StatusChanged.failed(ready.jobId(), ready.spec(), STAGE, new JobError(JobError.STORAGE_FAILED,
                        "DESAYRE could not save the result after " + deliveries + " tries. Please run the job again.")));
            }
            throw e instanceof IOException io ? new UncheckedIOException("storing job " + ready.jobId() + " failed", io)
                    : (RuntimeException) e;
        } finally {
            MDC.remove("jobId");
        }
    }

    private void store(MediaReady ready) throws IOException {
        var standing = DatabaseOutages.waitOut("job " + ready.jobId() + " waits to be read", () -> projection.standing(ready.jobId()));
        if (standing.map(j -> j.status().isTerminal() || j.deleted()).orElse(false)) {
            log.info("Job is {}; its late result is not stored", standing.get().deleted() ? "deleted" : standing.get().status());
            return;
        }
        events.status(StatusChanged.of(ready.jobId(), ready.spec(), JobStatus.STORING, STAGE, "Saving your media."));
        var stored = new ArrayList<StoredMedia>();
        for (int i = 0; i < ready.outputUrls().size(); i++) {
            MediaDownloader.Downloaded media;
            try {
                media = downloader.download(ready.outputUrls().get(i));
            } catch (BadProviderOutputException e) {
                failBadOutput(ready, stored, e);
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
                failBadOutput(ready, stored, e);
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
        events.status(StatusChanged.completed(ready.jobId(), ready.spec(), STAGE, stored));
        log.info("Stored {} output(s)", stored.size());
    }

    /** Retrying won't help: the job fails clearly, and outputs already stored for it go, so no half result stays. */
    private void failBadOutput(MediaReady ready, List<StoredMedia> stored, BadProviderOutputException e)
            throws IOException {
        discard(ready.jobId(), stored);
        events.status(StatusChanged.failed(ready.jobId(), ready.spec(), STAGE, new JobError(JobError.BAD_PROVIDER_OUTPUT, e.getMessage())));
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
