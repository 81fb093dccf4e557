package com.desayre.storage;

import com.desayre.contracts.ControlRequested;
import com.desayre.platform.MediaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.control}: a deleted job's objects are removed from the media store,
 * then its media rows, and it leaves every history. Reliable because Kafka holds the request
 * until this succeeds; idempotent because deleting what is gone changes nothing.
 */
@Component("handleControl")
class HandleControl implements Consumer<ControlRequested> {
    private static final Logger log = LoggerFactory.getLogger(HandleControl.class);

    private final JobProjection projection;
    private final MediaStore store;

    HandleControl(JobProjection projection, MediaStore store) {
        this.projection = projection;
        this.store = store;
    }

    @Override
    public void accept(ControlRequested control) {
        if (control.action() != ControlRequested.Action.DELETE) {
            return; // a cancel reaches storage as a CANCELLED status: StoreMedia then discards the late result
        }
        MDC.put("jobId", control.jobId());
        try {
            var keys = projection.storedKeys(control.jobId());
            for (var key : keys) {
                store.delete(key);
            }
            projection.forget(control.jobId());
            log.info("Deleted job and {} object(s)", keys.size());
        } catch (IOException e) {
            throw new UncheckedIOException("deleting job " + control.jobId() + " failed", e);
        } finally {
            MDC.remove("jobId");
        }
    }
}
