package com.desayre.gateway.webhooks;

import com.desayre.gateway.web.NoControl;
import com.desayre.gateway.web.OneOf;
import com.desayre.gateway.web.RecordRule;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Size;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.function.BiConsumer;

/** {@code PATCH /api/webhooks/{id}}: new events, enabled or disabled, a new description; at least one. */
@Schema(name = "WebhookChange", description = "At least one of events, enabled and description")
@WebhookChange.Something
record WebhookChange(
        @Size(min = 1, max = 4, message = "must list 1 to 4 events.")
        @ArraySchema(schema = @Schema(allowableValues = {WebhookEvents.STARTED, WebhookEvents.COMPLETED, WebhookEvents.FAILED, WebhookEvents.CANCELLED}),
                minItems = 1, maxItems = 4)
        List<@OneOf({WebhookEvents.STARTED, WebhookEvents.COMPLETED, WebhookEvents.FAILED, WebhookEvents.CANCELLED}) String> events,
        @Schema(description = "false stops deliveries; true starts them again and clears disabledReason") Boolean enabled,
        @Size(max = Webhooks.MAX_DESCRIPTION, message = "may be at most {max} characters.") @NoControl
        @Schema(maxLength = Webhooks.MAX_DESCRIPTION) String description) {

    /** At least one change. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = Something.Rule.class)
    @interface Something {
        String message() default "changes nothing.";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};

        class Rule extends RecordRule<Something, WebhookChange> {
            @Override
            protected void check(WebhookChange change, BiConsumer<String, String> problem) {
                if (change.events() == null && change.enabled() == null && change.description() == null) {
                    problem.accept("", "Send 'events', 'enabled' and/or 'description'.");
                }
            }
        }
    }
}
