package com.desayre.gateway.generation;

import com.desayre.contracts.RequestRules;
import com.desayre.encoder.core.EncoderConfig;
import com.desayre.gateway.web.FieldRule;
import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;

/**
 * An aspect ratio the kind of job can be made at: an image's from {@link RequestRules#IMAGE_SIZES}, an edit's from
 * {@link EncoderConfig#GROK_RATIOS}. (A video's is the encoder's to check: its model's ratios are configured.)
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = AspectRatio.Rule.class)
@interface AspectRatio {
    boolean edit() default false;

    String message() default "is not a supported aspect ratio.";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Rule extends FieldRule<AspectRatio, String> {
        private boolean edit;

        static List<String> ratios(boolean edit) {
            return edit ? EncoderConfig.GROK_RATIOS : List.copyOf(RequestRules.IMAGE_SIZES.keySet());
        }

        @Override
        public void initialize(AspectRatio annotation) {
            edit = annotation.edit();
        }

        @Override
        protected String problem(String value) {
            if (RequestRules.hasControl(value, false)) {
                return NO_CONTROL;
            }
            if (ratios(edit).contains(value)) {
                return null;
            }
            return "must be one of: " + String.join(", ", ratios(edit)) + (edit ? ", or left out to keep the source's shape" : "")
                    + " ('" + value + "' is not).";
        }
    }
}
