package com.desayre.gateway.admin;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.desayre.contracts.RequestRules;
import com.desayre.gateway.accounts.AccountRules;
import com.desayre.gateway.web.NoControl;
import com.desayre.gateway.web.OneOf;
import com.desayre.gateway.web.RecordRule;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Locale;
import java.util.function.BiConsumer;

/** {@code POST /api/admin/users}: a new account ({@code role} member by default). */
@Schema(name = "NewUser")
@NewUser.Fits
record NewUser(
        @NotBlank(message = "is required: 3 to 32 characters: letters, digits, '.', '_' or '-'.")
        @Size(max = 100, message = "is too long.") @NoControl
        @Schema(requiredMode = REQUIRED, pattern = "[A-Za-z0-9][A-Za-z0-9._-]{2,31}", description = "Case-insensitive: stored in lower case")
        String username,
        @NotBlank(message = "is required: at least " + AccountRules.MIN_PASSWORD_CHARS + " characters.") @Size(max = 1000, message = "is too long.")
        @Schema(requiredMode = REQUIRED, minLength = AccountRules.MIN_PASSWORD_CHARS, format = "password") String password,
        @OneOf({AccountRules.ADMIN, AccountRules.MEMBER}) @Schema(defaultValue = AccountRules.MEMBER) String role) {

    String name() {
        return AccountRules.normalize(username);
    }

    String roleOrDefault() {
        return role == null ? AccountRules.MEMBER : role.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "NewUser[" + username + ", " + role + "]";
    }

    /** The username's form, and a password that does not contain it ({@link AccountRules}). */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = Fits.Rule.class)
    @interface Fits {
        String message() default "is not a usable account.";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        class Rule extends RecordRule<Fits, NewUser> {
            @Override
            protected void check(NewUser user, BiConsumer<String, String> problem) {
                var usable = user.username() != null && !user.username().isBlank() && user.username().length() <= 100
                        && !RequestRules.hasControl(user.username(), false);
                if (usable && AccountRules.usernameProblem(user.name()) != null) {
                    problem.accept("username", AccountRules.usernameProblem(user.name()));
                }
                if (user.password() != null && !user.password().isBlank() && user.password().length() <= 1000) {
                    var password = AccountRules.passwordProblem(user.password(), usable ? user.name() : null);
                    if (password != null) {
                        problem.accept("password", password);
                    }
                }
            }
        }
    }
}
