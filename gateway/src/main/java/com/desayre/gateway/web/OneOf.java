package com.desayre.gateway.web;

import com.desayre.contracts.RequestRules;
import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;

/**
 * One of a fixed set of words, in any case ({@code batch}, {@code BATCH}); a control character is refused as such.
 * The OpenAPI schema lists the same words as the property's enum ({@link OneOfSchema}).
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = OneOf.Rule.class)
public @interface OneOf {
    String[] value();

    String message() default "must be one of the listed values.";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Rule extends FieldRule<OneOf, String> {
        private String[] values;

        @Override
        public void initialize(OneOf annotation) {
            values = annotation.value();
        }

        @Override
        protected String problem(String value) {
            if (RequestRules.hasControl(value, false)) {
                return NO_CONTROL;
            }
            return Arrays.stream(values).anyMatch(value::equalsIgnoreCase) ? null
                    : "must be one of: " + String.join(", ", values) + ".";
        }
    }
}
