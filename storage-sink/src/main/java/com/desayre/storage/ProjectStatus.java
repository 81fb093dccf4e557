package com.desayre.storage;

import com.desayre.contracts.StatusChanged;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/** Reads {@code generation.status} from every stage into the jobs table and each job's timeline. */
@Component("projectStatus")
class ProjectStatus implements Consumer<StatusChanged> {
    private final JobProjection projection;

    ProjectStatus(JobProjection projection) {
        this.projection = projection;
    }

    @Override
    public void accept(StatusChanged event) {
        projection.apply(event);
    }
}
