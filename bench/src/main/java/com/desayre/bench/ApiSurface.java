package com.desayre.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's operations as its OpenAPI document ({@code /v3/api-docs}) describes them: what a fuzzer needs to
 * aim bad input at every one of them (path, method, parameters, request bodies by content type).
 */
record ApiSurface(List<Operation> operations, JsonNode document) {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    record Parameter(String name, String in, boolean required, JsonNode schema) {
    }

    /** @param bodies request body schema by content type, {@code $ref}s resolved one level (see {@link #resolve}) */
    record Operation(String method, String path, List<Parameter> parameters, Map<String, JsonNode> bodies) {
        String name() {
            return method + " " + path;
        }
    }

    static ApiSurface of(JsonNode document) {
        var operations = new ArrayList<Operation>();
        for (var path : document.get("paths").properties()) {
            for (var method : path.getValue().properties()) {
                if (!METHODS.contains(method.getKey())) {
                    continue;
                }
                var node = method.getValue();
                var parameters = new ArrayList<Parameter>();
                for (var parameter : node.path("parameters")) {
                    parameters.add(new Parameter(parameter.path("name").asString(), parameter.path("in").asString(),
                            parameter.path("required").asBoolean(false), parameter.path("schema")));
                }
                var bodies = new LinkedHashMap<String, JsonNode>();
                for (var content : node.path("requestBody").path("content").properties()) {
                    bodies.put(content.getKey(), content.getValue().path("schema"));
                }
                operations.add(new Operation(method.getKey().toUpperCase(), path.getKey(), List.copyOf(parameters), bodies));
            }
        }
        return new ApiSurface(List.copyOf(operations), document);
    }

    /** The schema a {@code $ref} points at (components/schemas), or the schema itself. */
    JsonNode resolve(JsonNode schema) {
        var ref = schema.path("$ref").asString("");
        if (ref.startsWith("#/components/schemas/")) {
            return document.path("components").path("schemas").path(ref.substring("#/components/schemas/".length()));
        }
        return schema;
    }
}
