package com.desayre.local;

import java.util.Map;
import java.util.stream.Collectors;

/** The little JSON the cluster writes by hand (its control answers, a service's SPRING_APPLICATION_JSON). */
final class Json {

    static String string(String value) {
        var out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u%04x".formatted((int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** A flat object of string values, e.g. Spring properties ({@code "server.port": "8080"}). */
    static String object(Map<String, ?> properties) {
        return properties.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(entry -> string(entry.getKey()) + ":" + string(String.valueOf(entry.getValue())))
                .collect(Collectors.joining(",", "{", "}"));
    }

    private Json() {
    }
}
