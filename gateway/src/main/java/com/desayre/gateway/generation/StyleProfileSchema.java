package com.desayre.gateway.generation;

import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * The OpenAPI schema of every request's {@code styleProfile} lists the house styles this gateway's encoder has (they are
 * configured, so no annotation can): a value the schema allows is one the server takes.
 */
@Component
class StyleProfileSchema implements OpenApiCustomizer {
    private static final List<String> REQUESTS = List.of("ImageRequest", "EditRequest", "VideoRequest", "PreviewRequest");

    private final PromptChecks checks;

    StyleProfileSchema(PromptChecks checks) {
        this.checks = checks;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void customise(io.swagger.v3.oas.models.OpenAPI api) {
        var schemas = api.getComponents() == null ? null : api.getComponents().getSchemas();
        if (schemas == null) {
            return;
        }
        var profiles = List.copyOf(checks.encoder().config().profiles().keySet());
        for (var name : REQUESTS) {
            var request = schemas.get(name);
            var property = request == null || request.getProperties() == null ? null
                    : (io.swagger.v3.oas.models.media.Schema) request.getProperties().get("styleProfile");
            if (property != null) {
                property.setEnum(profiles);
            }
        }
    }
}
