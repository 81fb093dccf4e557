package com.desayre.storage;

import com.desayre.contracts.GenerationRequested;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/** Reads {@code generation.requested} into each job's row: what the user asked, for the history. */
@Component("recordRequest")
class RecordRequests implements Consumer<GenerationRequested> {
    private final JobProjection projection;

    RecordRequests(JobProjection projection) {
        this.projection = projection;
    }

    @Override
    public void accept(GenerationRequested request) {
        projection.record(request);
    }
}
