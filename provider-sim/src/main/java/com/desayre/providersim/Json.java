package com.desayre.providersim;

import java.math.BigDecimal;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** JSON in and out, and tolerant field readers: providers' clients send numbers as strings. */
final class Json {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** A value that is present but cannot be read as the type asked for. */
    static final class BadFieldException extends RuntimeException {
        private final String field;

        BadFieldException(String field, String message) {
            super(message);
            this.field = field;
        }

        String field() {
            return field;
        }
    }

    static byte[] write(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    /** The body as a JSON object, or {@code null} if it is empty, malformed or not an object. */
    static JsonNode readObject(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    static JsonNode readTree(byte[] body) {
        return MAPPER.readTree(body);
    }

    /** A string or scalar field as text; {@code null} when absent, JSON null or blank. */
    static String text(JsonNode object, String field) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull() || node.isMissingNode() || node.isContainer()) {
            return null;
        }
        String value = node.isString() ? node.stringValue() : node.asString();
        return value == null || value.isBlank() ? null : value;
    }

    /** A whole number given as a JSON number or a numeric string; {@code null} when absent or blank. */
    static Long wholeNumber(JsonNode object, String field) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isString() && node.stringValue().isBlank()) {
            return null;
        }
        try {
            BigDecimal value;
            if (node.isNumber()) {
                value = node.decimalValue();
            } else if (node.isString()) {
                value = new BigDecimal(node.stringValue().strip());
            } else {
                throw new NumberFormatException();
            }
            return value.stripTrailingZeros().longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new BadFieldException(field, "Invalid " + field + ": " + node);
        }
    }

    private Json() {
    }
}
