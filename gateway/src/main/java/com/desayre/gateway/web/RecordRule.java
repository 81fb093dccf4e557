package com.desayre.gateway.web;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import java.lang.annotation.Annotation;
import java.util.function.BiConsumer;

/**
 * A constraint on a whole request record, for rules between its fields (which fields go with which action, a password
 * that must not contain the username): {@link #check} names each wrong field with the end of its sentence, as
 * {@link FieldRule} does for one field, or a whole sentence (one that starts with a capital). Checked by {@link RequestValidator}, whose paths are the fields named here.
 */
public abstract class RecordRule<A extends Annotation, T> implements ConstraintValidator<A, T> {

    /** Calls {@code problem.accept(field, sentence)} for each wrong field of a (non-null) record. */
    protected abstract void check(T value, BiConsumer<String, String> problem);

    @Override
    public final boolean isValid(T value, ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        var valid = new boolean[] {true};
        context.disableDefaultConstraintViolation();
        check(value, (field, sentence) -> {
            valid[0] = false;
            var violation = context.buildConstraintViolationWithTemplate(sentence.replaceAll("([\\\\{}$])", "\\\\$1"));
            if (field.isEmpty()) {
                violation.addConstraintViolation(); // about the whole body
            } else {
                violation.addPropertyNode(field).addConstraintViolation();
            }
        });
        return valid[0];
    }
}
