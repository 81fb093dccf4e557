package com.desayre.gateway.web;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.oas.models.media.Schema;
import java.util.Arrays;
import java.util.List;
import org.springdoc.core.customizers.PropertyCustomizer;
import org.springframework.stereotype.Component;

/** A request field constrained by {@link OneOf} lists the same words as its OpenAPI enum: one list, for both. */
@Component
class OneOfSchema implements PropertyCustomizer {

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Schema customize(Schema property, AnnotatedType type) {
        if (property == null || type.getCtxAnnotations() == null) {
            return property;
        }
        Arrays.stream(type.getCtxAnnotations()).filter(OneOf.class::isInstance).map(OneOf.class::cast).findFirst()
                .ifPresent(oneOf -> property.setEnum((List) List.of(oneOf.value())));
        return property;
    }
}
