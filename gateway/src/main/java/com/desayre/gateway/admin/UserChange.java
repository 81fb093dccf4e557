package com.desayre.gateway.admin;

import com.desayre.gateway.accounts.AccountRules;
import com.desayre.gateway.web.OneOf;
import com.desayre.gateway.web.RecordRule;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Locale;
import java.util.function.BiConsumer;

/** {@code PATCH /api/admin/users/{username}}: a new role and/or enabled or disabled; at least one. */
@Schema(name = "UserChange", description = "At least one of role and enabled")
@UserChange.Something
record UserChange(@OneOf({AccountRules.ADMIN, AccountRules.MEMBER}) String role,
                  @Schema(description = "false disables the account and ends its sessions at once") Boolean enabled) {

    String newRole() {
        return role == null ? null : role.toLowerCase(Locale.ROOT);
    }

    /** At least one change. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = Something.Rule.class)
    @interface Something {
        String message() default "changes nothing.";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        class Rule extends RecordRule<Something, UserChange> {
            @Override
            protected void check(UserChange change, BiConsumer<String, String> problem) {
                if (change.role() == null && change.enabled() == null) {
                    problem.accept("", "Send 'role' (admin or member) and/or 'enabled' (true or false).");
                }
            }
        }
    }
}
