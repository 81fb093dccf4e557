package com.desayre.gateway.accounts;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.desayre.gateway.web.NoControl;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code POST /api/auth/login}. A password may hold any character; a username never holds a control character. */
@Schema(name = "Credentials")
record Credentials(
        @NotBlank(message = "is required.") @Size(max = 1000, message = "is too long.") @NoControl
        @Schema(requiredMode = REQUIRED, minLength = 1) String username,
        @NotBlank(message = "is required.") @Size(max = 1000, message = "is too long.")
        @Schema(requiredMode = REQUIRED, minLength = 1, format = "password") String password) {

    @Override
    public String toString() {
        return "Credentials[" + username + "]";
    }
}
