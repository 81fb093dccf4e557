package com.desayre.contracts;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of every event: ISO-8601 instants, enums by name, unknown fields ignored so a
 * reader keeps working when a later schema version adds one. A record component marked
 * {@code @Nullable} may be null (written as JSON {@code null}); every other one is always set.
 * docs/asyncapi.yaml describes this form for integrations, and AsyncApiDocTest keeps it true.
 */
public final class EventJson {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public static JsonMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object event) {
        return MAPPER.writeValueAsBytes(event);
    }

    public static <T> T read(byte[] json, Class<T> type) {
        return MAPPER.readValue(json, type);
    }

    public static <T> T read(String json, Class<T> type) {
        return MAPPER.readValue(json, type);
    }

    private EventJson() {
    }
}
