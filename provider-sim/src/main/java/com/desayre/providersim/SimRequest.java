package com.desayre.providersim;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request, fully read, as the API handlers see it.
 *
 * @param method     upper-case method
 * @param path       request path without the query string
 * @param pathParams the capture groups of the matched route, in order
 * @param headers    request headers (names as the JDK server reports them)
 * @param body       the raw body (empty if none)
 */
record SimRequest(String method, String path, List<String> pathParams, Map<String, List<String>> headers, byte[] body) {

    String pathParam(int index) {
        return pathParams.get(index);
    }

    /** The first value of a header, case-insensitively, or {@code null}. */
    String header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
