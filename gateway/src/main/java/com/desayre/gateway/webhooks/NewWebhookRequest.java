package com.desayre.gateway.webhooks;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;

import com.desayre.gateway.web.NoControl;
import com.desayre.gateway.web.OneOf;
import com.desayre.platform.WebhookTargets;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.util.List;

/** {@code POST /api/webhooks}. */
@Schema(name = "NewWebhookRequest")
record NewWebhookRequest(
        @NotBlank(message = "is required: the https:// URL DESAYRE should call.")
        @Size(max = WebhookTargets.MAX_URL_LENGTH, message = "may be at most {max} characters.") @NoControl
        @Schema(requiredMode = REQUIRED, format = "uri", maxLength = WebhookTargets.MAX_URL_LENGTH, example = "https://example.com/desayre-hooks",
                description = "An http(s) URL without user:password@ whose host resolves to public addresses only")
        String url,
        @NotEmpty(message = "is required: the events to send, e.g. [\"job.completed\", \"job.failed\"].")
        @Size(max = 4, message = "may list at most {max} events.")
        @ArraySchema(schema = @Schema(allowableValues = {WebhookEvents.STARTED, WebhookEvents.COMPLETED, WebhookEvents.FAILED, WebhookEvents.CANCELLED}),
                minItems = 1, maxItems = 4, arraySchema = @Schema(requiredMode = REQUIRED))
        List<@OneOf({WebhookEvents.STARTED, WebhookEvents.COMPLETED, WebhookEvents.FAILED, WebhookEvents.CANCELLED}) String> events,
        @Size(max = Webhooks.MAX_DESCRIPTION, message = "may be at most {max} characters.") @NoControl
        @Schema(maxLength = Webhooks.MAX_DESCRIPTION, description = "What the endpoint is for") String description) {
}
