package com.desayre.gateway.costs;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;

/** {@code PUT /api/admin/users/{username}/budget} and {@code PUT /api/admin/budget}. */
@Schema(name = "BudgetChange")
record BudgetChange(
        @NotNull(message = "is required: the spend allowed per UTC month, in the prices' currency; DELETE this resource to remove it.")
        @DecimalMin(value = "0", message = "must be 0 or more.")
        @DecimalMax(value = "9000000000000", message = "must be at most 9000000000000.")
        @Digits(integer = 13, fraction = 6, message = "must have at most 6 decimal places.")
        @Schema(requiredMode = REQUIRED, description = "Spend allowed per UTC month, in desayre.pricing.currency; 0 stops the "
                + "user generating anything priced", example = "25.00") BigDecimal monthlyBudget) {
}
