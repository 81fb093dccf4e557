package com.desayre.gateway.web;

import com.desayre.contracts.RequestRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Reads a JSON request body field by field, collecting every problem (not just the first) so
 * one answer tells the caller all that is wrong. Unknown fields are errors too: a typo such as
 * {@code aspect_ratio} must not silently fall back to a default.
 */
public final class RequestFields {
    private final JsonNode body;
    private final List<ApiProblem.FieldError> errors = new ArrayList<>();

    public RequestFields(JsonNode body, Set<String> known) {
        if (body == null || !body.isObject()) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("", "The body must be a JSON object.")));
        }
        this.body = body;
        var sorted = String.join(", ", new TreeSet<>(known));
        body.propertyNames().forEach(name -> {
            if (!known.contains(name)) {
                errors.add(new ApiProblem.FieldError(name, "Unknown field '" + name + "'. Known fields: " + sorted + "."));
            }
        });
    }

    /** A required non-blank string, at most {@code maxLength} characters. */
    public String requiredText(String field, int maxLength, String hint) {
        var node = body.get(field);
        if (node == null || !node.isString() || node.asString().isBlank()) {
            errors.add(new ApiProblem.FieldError(field, "'" + field + "' is required: " + hint));
            return null;
        }
        var text = withoutControl(field, node.asString());
        if (text == null) {
            return null;
        }
        if (text.length() > maxLength) {
            errors.add(new ApiProblem.FieldError(field, "'" + field + "' is " + text.length() + " characters; the limit is "
                    + maxLength + "."));
            return null;
        }
        return text;
    }

    public String optionalText(String field) {
        var node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            errors.add(new ApiProblem.FieldError(field, "'" + field + "' must be a string."));
            return null;
        }
        return withoutControl(field, node.asString());
    }

    /**
     * The text, or null with a field error when it holds a control character (NUL, ESC, a line break…): no name, id or
     * choice has one, and one would end up in logs and answers. The prompt (line breaks and tab allowed) is held to
     * {@link RequestRules#promptProblem} by its caller; passwords are taken as they are, never shown or logged.
     */
    private String withoutControl(String field, String text) {
        if (field.equals("prompt") || field.toLowerCase(java.util.Locale.ROOT).endsWith("password")
                || !RequestRules.hasControl(text, false)) {
            return text;
        }
        errors.add(new ApiProblem.FieldError(field, "'" + field + "' must not contain control characters (such as NUL or a line break)."));
        return null;
    }

    public boolean optionalBoolean(String field, boolean fallback) {
        var node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            errors.add(new ApiProblem.FieldError(field, "'" + field + "' must be true or false."));
            return fallback;
        }
        return node.asBoolean();
    }

    public Long optionalNonNegativeLong(String field) {
        var node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        // canConvertToLong first: Jackson 3 throws on asLong() of a number past Long.MAX_VALUE (a 500 JsonFuzzIT found)
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
            errors.add(new ApiProblem.FieldError(field, "'" + field + "' must be a whole number from 0 to " + Long.MAX_VALUE + "."));
            return null;
        }
        return node.asLong();
    }

    /** One of {@code values} (case-insensitive), returned upper-case, or the fallback when absent. */
    public String optionalChoice(String field, List<String> values, String fallback) {
        var text = optionalText(field);
        if (text == null) {
            return fallback;
        }
        for (var value : values) {
            if (value.equalsIgnoreCase(text)) {
                return value;
            }
        }
        errors.add(new ApiProblem.FieldError(field, "'" + field + "' must be one of: " + String.join(", ", values) + "."));
        return fallback;
    }

    public void reject(String field, String message) {
        errors.add(new ApiProblem.FieldError(field, message));
    }

    /** Throws one problem naming every field that was wrong. */
    public void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(List.copyOf(errors));
        }
    }
}
