package com.desayre.gateway.web;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import java.lang.annotation.Annotation;
import org.jspecify.annotations.Nullable;

/**
 * A field constraint whose sentence depends on the value (the prompt's length, the list of choices): {@link #problem}
 * says what is wrong, as the end of a sentence that starts with the field's name ({@code "must be one of: a, b."}), or
 * null when the value is fine. Null values pass: {@code @NotNull} says when a field is required.
 */
public abstract class FieldRule<A extends Annotation, T> implements ConstraintValidator<A, T> {
    /** What a text field with a control character is told ({@link NoControl}). */
    public static final String NO_CONTROL = "must not contain control characters (such as NUL or a line break).";

    protected abstract @Nullable String problem(T value);

    @Override
    public final boolean isValid(@Nullable T value, ConstraintValidatorContext context) {
        var problem = value == null ? null : problem(value);
        if (problem == null) {
            return true;
        }
        context.disableDefaultConstraintViolation();
        // the sentence may quote what the caller sent: escaped, so it is never read as a message template
        context.buildConstraintViolationWithTemplate(problem.replaceAll("([\\\\{}$])", "\\\\$1")).addConstraintViolation();
        return false;
    }
}
