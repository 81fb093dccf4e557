package com.desayre.gateway.web;

import com.desayre.contracts.RequestRules;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Checks a request record by its constraints where Spring does not bind it (the fields of a multipart form), giving
 * the same answer {@code @Valid} gives a JSON body: one {@code /problems/invalid-request} naming every wrong field.
 */
@Component
public class RequestValidator {
    private final Validator validator;

    RequestValidator(Validator validator) {
        this.validator = validator;
    }

    /**
     * Reads a request record from a JSON tree as strictly as a JSON body is read ({@link JsonBodies}): an unknown field or a
     * value of the wrong type is the field's problem.
     */
    public static <T> T read(JsonNode tree, Class<T> type) {
        try {
            return JsonBodies.STRICT.treeToValue(tree, type);
        } catch (JacksonException e) {
            var field = unreadable(e);
            throw ApiProblem.invalid(List.of(field != null ? field : new ApiProblem.FieldError("", "The request could not be read.")));
        }
    }

    /** Throws one problem naming every wrong field, with {@code earlier} (the caller's rules that need more than the record). */
    public void check(Object request, List<ApiProblem.FieldError> earlier, Class<?>... groups) {
        var errors = new java.util.ArrayList<>(earlier);
        violations(validator.validate(request, groups), request.getClass()).stream()
                .filter(error -> earlier.stream().noneMatch(e -> e.field().equals(error.field())))
                .forEach(errors::add);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(sorted(errors, request.getClass()));
        }
    }

    private static List<ApiProblem.FieldError> violations(Set<? extends ConstraintViolation<?>> violations, Class<?> type) {
        return sorted(violations.stream().map(v -> error(v.getPropertyPath().toString(), v.getMessage())).toList(), type);
    }

    /**
     * A field's error as a sentence that names it: a constraint's message is the end of it ({@code must be between 1 and
     * 4.} → {@code 'n' must be between 1 and 4.}), unless it is a whole sentence already (it starts with a capital).
     */
    static ApiProblem.FieldError error(String field, String message) {
        var whole = field.isEmpty() || !message.isEmpty() && Character.isUpperCase(message.charAt(0));
        return new ApiProblem.FieldError(field, whole ? message : "'" + field + "' " + message);
    }

    /** In the order the record declares its fields (then by field and message), so the same body gets the same answer. */
    static List<ApiProblem.FieldError> sorted(List<ApiProblem.FieldError> errors, Class<?> type) {
        var order = type.isRecord() ? Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).toList() : List.<String>of();
        Comparator<ApiProblem.FieldError> byDeclaration = Comparator.comparingInt(e -> {
            var top = e.field().split("[.\\[]", 2)[0];
            var index = order.indexOf(top);
            return index < 0 ? Integer.MAX_VALUE : index;
        });
        return errors.stream().sorted(byDeclaration.thenComparing(ApiProblem.FieldError::field)
                .thenComparing(ApiProblem.FieldError::message)).toList();
    }

    /**
     * The field of a body that is JSON but not the record's shape: an unknown field (named with the known ones), a value of
     * the wrong type or past its type's range, or not an object at all. Null when the body is not JSON (malformed-json).
     */
    static ApiProblem.FieldError unreadable(Throwable ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnrecognizedPropertyException unknown) {
                var known = new TreeSet<String>();
                unknown.getKnownPropertyIds().forEach(id -> known.add(String.valueOf(id)));
                var name = unknown.getPropertyName();
                return new ApiProblem.FieldError(RequestRules.path(unknown), "Unknown field '" + name + "'. Known fields: "
                        + String.join(", ", known) + ".");
            }
            if (cause instanceof MismatchedInputException || cause instanceof InputCoercionException) {
                var field = RequestRules.path((JacksonException) cause);
                if (field.isEmpty()) {
                    return new ApiProblem.FieldError("", "The body must be a JSON object.");
                }
                var target = cause instanceof MismatchedInputException mismatch ? mismatch.getTargetType()
                        : ((InputCoercionException) cause).getTargetType();
                return RequestValidator.error(field, "must be " + kindOf(target) + ".");
            }
        }
        return null;
    }

    private static String kindOf(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "an object";
    }
}
