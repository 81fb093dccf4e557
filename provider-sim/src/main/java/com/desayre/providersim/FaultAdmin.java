package com.desayre.providersim;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * {@code /sim/faults}: a person switches faults on and off while the simulator runs, to watch the
 * studio cope. The simulator's own API, not a provider's: errors are RFC 9457 problem+json.
 *
 * <pre>
 * GET    /sim/faults          {"rules": [rule, ...]}   the live rules (startup ones as id "startup")
 * POST   /sim/faults          rule                     adds one: 201 + Location /sim/faults/{id}
 * PUT    /sim/faults          rule | {"rules": [...]}  replaces them all: 200 {"rules": [...]}
 * DELETE /sim/faults                                   clears them all: 204
 * GET    /sim/faults/{id}                              one rule; DELETE removes it: 204
 * </pre>
 *
 * A rule: {@code {"faults": "fail=503 retry-after=5", "endpoints": ["text-to-image"], "model":
 * "nano-banana-pro", "times": 3}}: {@code faults} as in {@code SIM_FAULTS} (required);
 * {@code endpoints} a name or a list (default all, see {@link FaultRules.Endpoint}); {@code model} one
 * model id (default all); {@code times} how many matching requests it hits, then it is gone
 * (default: until deleted).
 */
final class FaultAdmin {
    static final String PATH = "/sim/faults";
    private static final Set<String> FIELDS = Set.of("faults", "endpoints", "endpoint", "model", "times");
    private static final int MAX_RULES = 100;

    private final FaultRules rules;

    FaultAdmin(FaultRules rules) {
        this.rules = rules;
    }

    void register(Router router) {
        router.add("GET", "^/sim/faults/?$", r -> list());
        router.add("POST", "^/sim/faults/?$", this::add);
        router.add("PUT", "^/sim/faults/?$", this::replace);
        router.add("DELETE", "^/sim/faults/?$", r -> {
            rules.clear();
            return SimResponse.noContent();
        });
        router.add("GET", "^/sim/faults/([^/]+)/?$", r -> one(r.pathParam(0)));
        router.add("DELETE", "^/sim/faults/([^/]+)/?$", r -> rules.remove(r.pathParam(0))
                ? SimResponse.noContent() : noSuchRule(r.pathParam(0)));
    }

    private SimResponse list() {
        List<Object> views = new ArrayList<>();
        rules.list().forEach(rule -> views.add(rule.view()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rules", views);
        return SimResponse.json(200, body);
    }

    private SimResponse one(String id) {
        FaultRules.Rule rule = rules.find(id);
        return rule == null || rule.spent() ? noSuchRule(id) : SimResponse.json(200, rule.view());
    }

    private SimResponse add(SimRequest request) {
        JsonNode body = Json.readObject(request.body());
        if (body == null) {
            return malformed();
        }
        if (rules.list().size() >= MAX_RULES) {
            return invalid(List.of(error("", "at most " + MAX_RULES + " rules; DELETE " + PATH + " clears them")));
        }
        List<Map<String, String>> errors = new ArrayList<>();
        FaultRules.Rule rule = read(body, "", errors);
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        rules.add(rule);
        return SimResponse.json(201, rule.view()).withHeader("Location", PATH + "/" + rule.id());
    }

    private SimResponse replace(SimRequest request) {
        JsonNode body = Json.readObject(request.body());
        if (body == null) {
            return malformed();
        }
        List<Map<String, String>> errors = new ArrayList<>();
        List<FaultRules.Rule> replacement = new ArrayList<>();
        if (body.has("rules")) {
            JsonNode list = body.get("rules");
            if (body.size() > 1) {
                errors.add(error("", "give either {\"rules\": [...]} or one rule, not both"));
            } else if (!list.isArray()) {
                errors.add(error("rules", "must be a list of rules"));
            } else if (list.size() > MAX_RULES) {
                errors.add(error("rules", "at most " + MAX_RULES + " rules"));
            } else {
                for (int i = 0; i < list.size(); i++) {
                    JsonNode item = list.get(i);
                    if (!item.isObject()) {
                        errors.add(error("rules[" + i + "]", "must be an object with at least \"faults\""));
                        continue;
                    }
                    FaultRules.Rule rule = read(item, "rules[" + i + "].", errors);
                    if (rule != null) {
                        replacement.add(rule);
                    }
                }
            }
        } else {
            FaultRules.Rule rule = read(body, "", errors);
            if (rule != null) {
                replacement.add(rule);
            }
        }
        if (!errors.isEmpty()) {
            return invalid(errors); // nothing changes: all or none
        }
        rules.replace(replacement);
        return list();
    }

    /** One rule from JSON; adds what is wrong (field prefixed) to {@code errors} and answers null then. */
    private FaultRules.Rule read(JsonNode node, String prefix, List<Map<String, String>> errors) {
        int before = errors.size();
        for (Iterator<String> names = node.propertyNames().iterator(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.add(error(prefix + name, "unknown field; a rule has faults, endpoints, model and times"));
            }
        }
        Faults faults = null;
        JsonNode text = node.get("faults");
        if (text == null || !text.isString() || text.stringValue().isBlank()) {
            errors.add(error(prefix + "faults", "required: a fault list as in SIM_FAULTS, e.g. \"fail=503\" or "
                    + "\"chance=30 fail=429 retry-after=5\""));
        } else {
            try {
                faults = Faults.parseList(text.stringValue());
            } catch (IllegalArgumentException e) { // InvalidDirectiveException too: names the bad item
                errors.add(error(prefix + "faults", e.getMessage()));
            }
        }
        Set<FaultRules.Endpoint> endpoints = EnumSet.allOf(FaultRules.Endpoint.class);
        JsonNode where = node.has("endpoints") ? node.get("endpoints") : node.get("endpoint");
        String whereField = prefix + (node.has("endpoints") ? "endpoints" : "endpoint");
        if (node.has("endpoints") && node.has("endpoint")) {
            errors.add(error(prefix + "endpoint", "give endpoints or endpoint, not both"));
        } else if (where != null && !where.isNull()) {
            endpoints = EnumSet.noneOf(FaultRules.Endpoint.class);
            List<JsonNode> items = new ArrayList<>();
            if (where.isArray()) {
                where.forEach(items::add);
            } else {
                items.add(where);
            }
            if (items.isEmpty()) {
                errors.add(error(whereField, "must name at least one endpoint: " + String.join(", ", FaultRules.endpointNames())));
            }
            for (JsonNode item : items) {
                Set<FaultRules.Endpoint> named = item.isString() ? FaultRules.endpointsNamed(item.stringValue()) : null;
                if (named == null) {
                    errors.add(error(whereField, "unknown endpoint " + item + "; one of "
                            + String.join(", ", FaultRules.endpointNames())));
                } else {
                    endpoints.addAll(named);
                }
            }
        }
        String model = null;
        JsonNode m = node.get("model");
        if (m != null && !m.isNull()) {
            if (!m.isString() || m.stringValue().isBlank()) {
                errors.add(error(prefix + "model", "must be a model id such as \"nano-banana-pro\", or left out for every model"));
            } else {
                model = m.stringValue().strip();
            }
        }
        Integer times = null;
        JsonNode t = node.get("times");
        if (t != null && !t.isNull()) {
            if (!t.isIntegralNumber() || t.asLong() < 1 || t.asLong() > 1_000_000) {
                errors.add(error(prefix + "times", "must be a whole number 1..1000000 (how many requests it hits), "
                        + "or left out: until deleted"));
            } else {
                times = t.asInt();
            }
        }
        if (errors.size() > before || faults == null || endpoints.isEmpty()) {
            return null;
        }
        return rules.newRule(faults, endpoints, model, times);
    }

    // ---- problems (RFC 9457) ------------------------------------------------------------------

    private static Map<String, String> error(String field, String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("field", field);
        error.put("message", message);
        return error;
    }

    private static SimResponse invalid(List<Map<String, String>> errors) {
        String detail = errors.size() == 1 ? describe(errors.get(0))
                : "The rule has " + errors.size() + " problems: see errors.";
        return SimResponse.problem(400, "invalid-fault-rule", "Invalid fault rule", detail, Map.of("errors", errors));
    }

    private static String describe(Map<String, String> error) {
        return error.get("field").isEmpty() ? error.get("message") : error.get("field") + ": " + error.get("message");
    }

    private static SimResponse malformed() {
        return SimResponse.problem(400, "malformed-json", "Malformed JSON",
                "The body must be a JSON object, e.g. {\"faults\": \"fail=503\", \"times\": 3}.", Map.of());
    }

    private static SimResponse noSuchRule(String id) {
        return SimResponse.problem(404, "not-found", "Not found", "No fault rule " + id + "; GET " + PATH + " lists them.", Map.of());
    }
}
