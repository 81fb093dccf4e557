package com.desayre.imageworker;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * One ModelsLabs response, read tolerantly: the body's {@code status} decides, whatever the
 * HTTP code; {@code id} may be a number or a string; {@code messege} is a known typo of {@code message}.
 * {@code futureLinks} are where the outputs will be: never an output while the job runs.
 */
record ModelsLabAnswer(Outcome outcome, String id, List<String> outputs, double etaSeconds, String fetchUrl,
                       String message, Long seed, boolean nsfw, double retryAfterSeconds, double generationSeconds,
                       List<String> futureLinks) {

    /** {@code failed}: the provider took the job and could not finish it (a fetch, or the webhook's failure payload). */
    enum Outcome { SUCCESS, PROCESSING, FAILED, ERROR }

    static ModelsLabAnswer read(JsonNode body) {
        var status = text(body, "status").toLowerCase(Locale.ROOT);
        var outcome = switch (status) {
            case "success" -> Outcome.SUCCESS;
            case "processing", "queued", "pending" -> Outcome.PROCESSING;
            case "failed" -> Outcome.FAILED;
            default -> Outcome.ERROR;
        };
        var outputs = urls(body.get("output"));
        if (outputs.isEmpty()) {
            outputs = urls(body.get("proxy_links"));
        }
        var message = text(body, "message");
        if (message.isEmpty()) {
            message = text(body, "messege");
        }
        var meta = body.get("meta");
        Long seed = meta != null && meta.get("seed") != null && meta.get("seed").isNumber() ? meta.get("seed").asLong() : null;
        var nsfw = body.get("nsfw_content_detected") != null && body.get("nsfw_content_detected").asBoolean(false);
        return new ModelsLabAnswer(outcome, text(body, "id"), outputs, number(body, "eta"), text(body, "fetch_result"), message,
                seed, nsfw, number(body, "retry_after"), number(body, "generationTime"), urls(body.get("future_links")));
    }

    /** A number, also when sent as a numeric string; 0 when absent or not a number. */
    private static double number(JsonNode body, String field) {
        var node = body.get(field);
        if (node == null || node.isNull()) {
            return 0;
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        try {
            return Double.parseDouble(node.asString().strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String text(JsonNode body, String field) {
        var node = body.get(field);
        return node == null || node.isNull() ? "" : node.asString();
    }

    /** An array of URLs, or (seen in one client) a map {"0": url}. */
    private static List<String> urls(JsonNode node) {
        var urls = new ArrayList<String>();
        if (node != null && (node.isArray() || node.isObject())) {
            for (var value : node.values()) {
                if (value.isString() && !value.asString().isBlank()) {
                    urls.add(value.asString());
                }
            }
        }
        return urls;
    }
}
