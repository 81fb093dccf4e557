package com.desayre.gateway.keys;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.desayre.gateway.web.NoControl;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code POST /api/keys}. */
@Schema(name = "NewKeyRequest")
record NewKeyRequest(
        @NotBlank(message = "is required: a label to recognise the key by, e.g. \"ci\".")
        @Size(max = ApiKeys.MAX_NAME_LENGTH, message = "may be at most {max} characters.") @NoControl
        @Schema(requiredMode = REQUIRED, minLength = 1, maxLength = ApiKeys.MAX_NAME_LENGTH, description = "What the key is for")
        String name) {
}
