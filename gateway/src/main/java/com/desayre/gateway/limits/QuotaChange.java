package com.desayre.gateway.limits;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

/** {@code PUT /api/admin/users/{username}/quota}. */
@Schema(name = "QuotaChange")
record QuotaChange(
        @NotNull(message = "is required: units per UTC day (0 or more); DELETE this resource to go back to the default.")
        @PositiveOrZero(message = "must be a whole number from 0 to 9223372036854775807.")
        @Schema(requiredMode = REQUIRED, description = "Units per UTC day (an image 1, an edit 2, a video 5 by default); "
                + "0 stops the user generating") Long dailyQuota) {
}
