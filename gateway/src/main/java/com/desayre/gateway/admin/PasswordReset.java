package com.desayre.gateway.admin;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.desayre.gateway.accounts.AccountRules;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/admin/users/{username}/password}. Its rules ({@link AccountRules#passwordProblem}) need the username
 * from the path, so {@link AdminUsersController} adds them to the same answer.
 */
@Schema(name = "PasswordReset")
record PasswordReset(
        @NotBlank(message = "is required: at least " + AccountRules.MIN_PASSWORD_CHARS + " characters.") @Size(max = 1000, message = "is too long.")
        @Schema(requiredMode = REQUIRED, minLength = AccountRules.MIN_PASSWORD_CHARS, format = "password") String password) {

    @Override
    public String toString() {
        return "PasswordReset[…]";
    }
}
