package com.desayre.storage;

import com.desayre.contracts.JobError;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.MediaReady;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.StoredMedia;
import com.desayre.platform.JobEvents;
import com.desayre.platform.MediaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.media.ready}: copies each provider output into DESAYRE's own media
 * store (provider URLs are temporary), records it in Postgres, and completes the job. An I/O
 * failure throws, so the binder retries and finally parks the record on the DLQ; the record is
 * committed only after the object and its row are both written. Keys are deterministic, so a
 * redelivery overwrites instead of duplicating.
 */
@Component("storeMedia")
class StoreMedia implements Consumer<MediaReady> {
    private static final Logger log = LoggerFactory.getLogger(StoreMedia.class);
    static final String STAGE = "storage-sink";

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
    public void accept(MediaReady ready) {
        MDC.put("jobId", ready.jobId());
        try {
            store(ready);
        } catch (IOException e) {
            throw new UncheckedIOException("storing job " + ready.jobId() + " failed", e);
        } finally {
            MDC.remove("jobId");
        }
    }

    private void store(MediaReady ready) throws IOException {
        var current = projection.status(ready.jobId());
        if (current.map(JobStatus::isTerminal).orElse(false)) {
            log.info("Job is already {}; its late result is not stored", current.get());
            return;
        }
        events.status(StatusChanged.of(ready.jobId(), ready.spec(), JobStatus.STORING, STAGE, "Saving your media."));
        var stored = new ArrayList<StoredMedia>();
        for (int i = 0; i < ready.outputUrls().size(); i++) {
            MediaDownloader.Downloaded media;
            try {
                media = downloader.download(ready.outputUrls().get(i));
            } catch (BadProviderOutputException e) {
                events.status(StatusChanged.failed(ready.jobId(), ready.spec(), STAGE,
                        new JobError(JobError.BAD_PROVIDER_OUTPUT, e.getMessage())));
                return;
            }
            try {
                var key = ready.jobId() + "/" + i + "." + media.extension();
                store.put(key, media.file(), media.mimeType());
                projection.saveMedia(ready.jobId(), i, media, key, ready.providerRequestId(), ready.route().model());
                stored.add(new StoredMedia(key, media.mimeType(), media.width(), media.height(), media.bytes(), media.sha256()));
            } finally {
                Files.deleteIfExists(media.file());
            }
        }
        events.status(StatusChanged.completed(ready.jobId(), ready.spec(), STAGE, stored));
        log.info("Stored {} output(s)", stored.size());
    }
}
