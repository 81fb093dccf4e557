package com.desayre.gateway.history;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** {@code POST /api/history/zip} and {@code /api/history/zip-links}: the jobs whose files go in the zip. */
@Schema(name = "ZipRequest")
record ZipRequest(
        @NotNull(message = "is required: the ids of the jobs whose files go in the zip.")
        @Size(min = 1, max = ZipRequest.MAX_JOBS, message = "must list 1 to {max} jobs.")
        @ArraySchema(minItems = 1, maxItems = ZipRequest.MAX_JOBS, schema = @Schema(maxLength = ZipRequest.MAX_ID_LENGTH),
                arraySchema = @Schema(requiredMode = REQUIRED, description = "Your jobs' ids; each job's files go in the zip"))
        List<String> jobIds) {
    /** A zip is one request's worth of streaming: at most this many jobs (a page of the library, selected). */
    static final int MAX_JOBS = 100;
    static final int MAX_ID_LENGTH = 100;
}
