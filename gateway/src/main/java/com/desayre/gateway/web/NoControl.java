package com.desayre.gateway.web;

import com.desayre.contracts.RequestRules;
import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * No control character (NUL, ESC, a line break…) and no lone surrogate ({@link RequestRules#hasControl}): no name, id or
 * choice has one, and one would end up in logs and answers. Prompts have their own rule (line breaks and tab allowed);
 * passwords are taken as they are, never shown or logged.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = NoControl.Rule.class)
public @interface NoControl {
    String message() default "must not contain control characters (such as NUL or a line break).";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Rule extends FieldRule<NoControl, String> {
        @Override
        protected String problem(String value) {
            return RequestRules.hasControl(value, false) ? NO_CONTROL : null;
        }
    }
}
