package com.desayre.providersim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Method + path-pattern routing. Patterns are anchored regular expressions whose capture groups
 * become {@link SimRequest#pathParams()}. HEAD is served by the GET route (the server drops the
 * body). A path that matches with another method answers 405; no match answers 404.
 */
final class Router {

    @FunctionalInterface
    interface Handler {
        SimResponse handle(SimRequest request) throws Exception;
    }

    private record Route(String method, Pattern pattern, Handler handler) {
    }

    private final List<Route> routes = new CopyOnWriteArrayList<>();

    Router add(String method, String regex, Handler handler) {
        routes.add(new Route(method, Pattern.compile(regex), handler));
        return this;
    }

    SimResponse dispatch(String method, String path, Map<String, List<String>> headers, byte[] body)
            throws Exception {
        String effective = "HEAD".equals(method) ? "GET" : method;
        List<String> allowed = new ArrayList<>();
        for (Route route : routes) {
            Matcher m = route.pattern().matcher(path);
            if (!m.matches()) {
                continue;
            }
            if (!route.method().equals(effective)) {
                allowed.add(route.method());
                continue;
            }
            List<String> params = new ArrayList<>(m.groupCount());
            for (int i = 1; i <= m.groupCount(); i++) {
                params.add(m.group(i));
            }
            return route.handler().handle(new SimRequest(method, path, List.copyOf(params), headers, body));
        }
        // the simulator's own /sim/ API answers problem+json; the providers' paths answer as ModelsLab does
        boolean own = path.startsWith("/sim/") || path.equals("/sim");
        if (!allowed.isEmpty()) {
            String detail = "Method " + method + " not allowed on " + path;
            return (own ? SimResponse.problem(405, "method-not-allowed", "Method not allowed", detail + "; use "
                    + String.join(", ", allowed) + ".", Map.of()) : SimResponse.json(405, error(detail)))
                    .withHeader("Allow", String.join(", ", allowed));
        }
        if (own) {
            return SimResponse.problem(404, "not-found", "Not found", "No such endpoint: " + method + " " + path
                    + "; the simulator's admin API is " + FaultAdmin.PATH + ".", Map.of());
        }
        return SimResponse.json(404, error("No such endpoint: " + method + " " + path));
    }

    private static Map<String, Object> error(String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "error");
        body.put("message", message);
        return body;
    }
}
