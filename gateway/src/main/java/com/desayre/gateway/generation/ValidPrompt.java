package com.desayre.gateway.generation;

import com.desayre.contracts.RequestRules;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A prompt by {@link RequestRules#promptProblem} (prompt-encoder holds a record on the topic to the same rules): required,
 * at most {@link RequestRules#MAX_PROMPT_LENGTH} characters, no control characters but line breaks and tab. A missing
 * prompt's sentence ends with {@link #hint}, what this request's prompt is for.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ValidPrompt.Rule.class)
@interface ValidPrompt {
    String hint();

    String message() default "is not a usable prompt.";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Rule implements ConstraintValidator<ValidPrompt, String> {
        private String hint;

        @Override
        public void initialize(ValidPrompt annotation) {
            hint = annotation.hint();
        }

        @Override
        public boolean isValid(String prompt, ConstraintValidatorContext context) {
            var problem = RequestRules.promptProblem(prompt);
            if (problem == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            var sentence = problem + (prompt == null || prompt.isBlank() ? ": " + hint : ".");
            context.buildConstraintViolationWithTemplate(sentence.replaceAll("([\\\\{}$])", "\\\\$1")).addConstraintViolation();
            return false;
        }
    }
}
