package com.desayre.gateway.accounts;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/auth/password}. The new password's rules ({@link AccountRules#passwordProblem}) need the signed-in
 * user's name, so {@link AuthController} adds them to the same answer.
 */
@Schema(name = "PasswordChange")
record PasswordChange(
        @NotBlank(message = "is required: your password now.") @Size(max = 1000, message = "is too long.")
        @Schema(requiredMode = REQUIRED, minLength = 1, format = "password") String currentPassword,
        @NotBlank(message = "is required: the password you want.") @Size(max = 1000, message = "is too long.")
        @Schema(requiredMode = REQUIRED, minLength = AccountRules.MIN_PASSWORD_CHARS, format = "password") String newPassword) {

    @Override
    public String toString() {
        return "PasswordChange[…]";
    }
}
