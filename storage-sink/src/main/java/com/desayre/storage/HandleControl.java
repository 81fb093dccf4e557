package com.desayre.storage;

import com.desayre.contracts.ControlRequested;
import com.desayre.platform.DatabaseOutages;
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
            // a database or media store that is away is waited out: a delete is never dropped for it
            var keys = DatabaseOutages.waitOut("job " + control.jobId() + " waits to be deleted",
                    () -> projection.storedKeys(control.jobId()));
            for (var key : keys) {
                DatabaseOutages.waitOut("object " + key + " waits to be deleted", DatabaseOutages::serverAway, () -> {
                    store.delete(key);
                    return null;
                });
            }
            DatabaseOutages.waitOut("job " + control.jobId() + " waits to be forgotten", () -> {
                projection.forget(control.jobId());
                return null;
            });
            log.info("Deleted job and {} object(s)", keys.size());
        } catch (IOException e) {
            throw new UncheckedIOException("deleting job " + control.jobId() + " failed", e);
        } finally {
            MDC.remove("jobId");
        }
    }
}
