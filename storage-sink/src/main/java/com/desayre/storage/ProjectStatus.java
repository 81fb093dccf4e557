package com.desayre.storage;

import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.platform.MediaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.status} from every stage into the jobs table and each job's timeline.
 *
 * <p>A result can race a cancel: StoreMedia checks the job before and after storing, but a
 * CANCELLED projected in between leaves objects and media rows behind. The COMPLETED that the job
 * then refuses is the moment to notice: its media are deleted, so a cancelled or deleted job never
 * shows a picture.
 */
@Component("projectStatus")
class ProjectStatus implements Consumer<StatusChanged> {
    private static final Logger log = LoggerFactory.getLogger(ProjectStatus.class);

    private final JobProjection projection;
    private final MediaStore store;

    ProjectStatus(JobProjection projection, MediaStore store) {
        this.projection = projection;
        this.store = store;
    }

    @Override
    public void accept(StatusChanged event) {
        boolean moved = projection.apply(event);
        if (!moved && event.status() == JobStatus.COMPLETED) {
            projection.standing(event.jobId())
                    .filter(job -> job.deleted() || job.status() != JobStatus.COMPLETED && job.status().isTerminal())
                    .ifPresent(job -> discardLateResult(event.jobId(), job));
        }
    }

    private void discardLateResult(String jobId, JobProjection.Standing job) {
        var keys = projection.storedKeys(jobId);
        try {
            for (var key : keys) {
                store.delete(key);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("discarding the late result of job " + jobId + " failed", e);
        }
        projection.discardMedia(jobId);
        if (!keys.isEmpty()) {
            log.info("Job {} is {}; its late result ({} object(s)) was discarded", jobId, job.deleted() ? "deleted" : job.status(),
                    keys.size());
        }
    }
}
