package com.desayre.gateway.openapi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every problem type the gateway answers, as the OpenAPI document shows it: its status, title and an example of the
 * whole problem+json. Handlers name the ones they may answer with {@link com.desayre.gateway.web.ProblemTypes};
 * {@link OperationDocs} adds those every operation of a kind can answer. A type named nowhere here fails the
 * document's generation (so ApiDocsIT), rather than going undocumented.
 */
final class ProblemCatalog {
    static final String RETRY_AFTER = "Retry-After";
    static final String RATE_LIMIT_POLICY = "RateLimit-Policy";
    static final String RATE_LIMIT = "RateLimit";

    /** One problem type: {@code headers} are the response headers it always comes with. */
    record Entry(String type, int status, String title, String detail, List<String> headers, Map<String, Object> members) {
        /** The whole problem+json, as an example. */
        Map<String, Object> example(String instance) {
            var example = new LinkedHashMap<String, Object>();
            example.put("type", "/problems/" + type);
            example.put("title", title);
            example.put("status", status);
            example.put("detail", detail);
            example.put("instance", instance);
            example.putAll(members);
            return example;
        }
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    private static void add(String type, int status, String title, String detail, List<String> headers, Map<String, Object> members) {
        ENTRIES.put(type, new Entry(type, status, title, detail, headers, members));
    }

    private static void add(String type, int status, String title, String detail) {
        add(type, status, title, detail, List.of(), Map.of());
    }

    private static final List<String> RETRY = List.of(RETRY_AFTER);
    private static final List<String> LIMITED = List.of(RETRY_AFTER, RATE_LIMIT_POLICY, RATE_LIMIT);

    static {
        add("invalid-request", 400, "Invalid request", "'prompt' is required: describe the image you want.", List.of(),
                Map.of("errors", List.of(Map.of("field", "prompt", "message", "'prompt' is required: describe the image you want."))));
        add("malformed-json", 400, "Malformed request body",
                "The request body is missing or is not valid JSON. Send a JSON object, e.g. {\"prompt\": \"a lighthouse at dusk\"}.");
        add("rejected-request", 400, "Request rejected", "The request's URL or headers contain what is not allowed (an encoded "
                + "slash, backslash, NUL or line break, a ';' or a '..' segment in the path, …). Use plain paths and encode parameters "
                + "as plain text.");
        add("too-many-parts", 400, "Too many parts", "The form has more than 32 parts, the most a request may have. Send the image "
                + "as the part 'image' and each field once.", List.of(), Map.of("maxParts", 32));
        add("malformed-multipart", 400, "Malformed multipart form", "The multipart form could not be read: send "
                + "multipart/form-data with a boundary, the image as the part 'image' and each field once.");
        add("unreadable-upload", 400, "Unreadable image", "The uploaded file is not an image that can be read. Send a PNG, JPEG or WebP.");
        add("webhook-url-refused", 400, "Webhook URL refused", "The host hooks.example.com resolves to 10.0.0.7, a private "
                + "address: webhooks are only sent to public addresses.");
        add("unauthorized", 401, "Sign in required", "This needs a signed-in user: POST /api/auth/login, then send the token as "
                + "'Authorization: Bearer <token>' or keep the session cookie; programs may send a personal API key instead.",
                List.of("WWW-Authenticate"), Map.of());
        add("bad-credentials", 401, "Sign-in failed", "The username or password is wrong (or the account is disabled).");
        add("forbidden", 403, "Forbidden", "This needs the admin role.");
        add("csrf", 403, "CSRF token missing or wrong", "A request signed in by the session cookie that changes something must echo "
                + "the XSRF-TOKEN cookie in an X-XSRF-TOKEN header (any signed-in GET sets the cookie). Programs: send "
                + "'Authorization: Bearer' instead.");
        add("not-found", 404, "Not found", "There is no job 0b8f5a52-5c1e-4f7e-9a53-2f1d3c4b5a69 that you can see.");
        add("job-finished", 409, "Job already finished", "This job already ended as COMPLETED; there is nothing to cancel.");
        add("job-not-retryable", 409, "Job cannot be retried", "Only a failed or cancelled job can be retried; this one is COMPLETED.");
        add("idempotency-key-in-progress", 409, "Request in progress",
                "The first request with this Idempotency-Key is still being accepted. Retry in a moment.");
        add("too-many-api-keys", 409, "Too many API keys", "You have 20 active API keys, the most allowed: revoke one you no longer "
                + "use (DELETE /api/keys/{id}).");
        add("too-many-webhooks", 409, "Too many webhook endpoints", "You have 25 webhook endpoints, the most allowed: delete one "
                + "you no longer use (DELETE /api/webhooks/{id}).");
        add("username-taken", 409, "Username taken", "There is already a user called 'ada' (usernames are never reused; enable the "
                + "old account instead).");
        add("own-account", 409, "Not on your own account", "You cannot disable or demote your own account; ask another admin.");
        add("last-admin", 409, "Last admin", "'ada' is the only enabled admin: make someone else an admin first.");
        add("upload-too-large", 413, "Upload too large", "The upload is larger than 20 MB. Send a smaller or more compressed file.");
        add("multipart-field-too-large", 413, "Form field too large", "A form field is larger than 64 KB, the most one may be. "
                + "Send shorter values (a prompt is at most 4000 characters).", List.of(), Map.of("maxFieldSize", 65536));
        add("unsupported-upload", 415, "Unsupported image type", "The upload is not a PNG, JPEG or WebP image (judged by its bytes). "
                + "Convert it to one of those.");
        add("prompt-rejected", 422, "Prompt not allowed", "The prompt asks for something the content policy does not allow.",
                List.of(), Map.of("errors", List.of(Map.of("field", "prompt", "message",
                        "The prompt asks for something the content policy does not allow."))));
        add("idempotency-key-reused", 422, "Idempotency-Key reused", "This Idempotency-Key was already used for a different "
                + "request. Use a new key for a new request.");
        add("upload-dimensions", 422, "Image size not accepted", "The image is 32x32 pixels; each side must be 64 to 4096 pixels "
                + "and the whole at most 16777216 pixels. Resize it and try again.", List.of(), Map.of("width", 32, "height", 32));
        add("request-exceeds-limits", 422, "Request exceeds your limits", "This request costs 20 units, more than the 10 your "
                + "allowance holds, so waiting would not help. Ask for fewer (n) or a cheaper kind of job.", List.of(),
                Map.of("cost", 20));
        add("rate-limited", 429, "Too many generation requests", "You have 0 of your 10 units left and this request needs 1. "
                + "Wait 6 s (Retry-After) and send it again, or spread your requests out: you regain 10 units every 1 minute.",
                LIMITED, Map.of("cost", 1, "policy", "user"));
        add("too-many-in-flight", 429, "Too many jobs in flight", "You already have 10 jobs running, the most you may have at once "
                + "is 10. Wait for one to finish (GET /api/events shows when) or cancel one (POST /api/jobs/{id}/cancel), then send "
                + "this request again.", LIMITED, Map.of("cost", 1, "inFlight", 10, "maxInFlight", 10));
        add("daily-quota-exceeded", 429, "Daily quota used up", "You have used 500 of your 500 units for today and this request "
                + "needs 1. Your quota renews at 00:00 UTC (in 3 h 12 min); if you need more today, ask an admin to raise your "
                + "daily quota.", LIMITED, Map.of("cost", 1, "dailyQuota", 500, "usedToday", 500));
        add("budget-exceeded", 402, "Monthly budget reached", "Your monthly budget is 25.00 USD; you have spent 24.90 USD this "
                + "month, so 0.10 USD is left, and this request would cost 0.134 USD. Nothing was queued or charged. Ask for less, or "
                + "ask an admin to raise your budget; it renews on 2027-01-01 (UTC).", List.of(), Map.of("currency", "USD", "budget",
                25.00, "spent", 24.90, "remaining", 0.10, "cost", 0.134, "resetsAt", "2027-01-01T00:00:00Z"));
        add("too-many-sign-in-attempts", 429, "Too many sign-in attempts", "Too many failed sign-ins from this address. Try again "
                + "in 30 seconds.", RETRY, Map.of("retryAfterSeconds", 30));
        add("internal-error", 500, "Internal error", "Something went wrong on our side. Try again; if it keeps happening, tell an "
                + "admin this request id: 3f2a9c1e.");
        add("service-unavailable", 503, "Service unavailable", "DESAYRE cannot take new jobs right now because its message broker "
                + "is not answering. Nothing was queued; try again in a few seconds.", RETRY, Map.of());
        add("queue-full", 503, "The line for the provider is full", "2000 images and edits are already waiting for the provider "
                + "in the interactive lane, and DESAYRE takes at most 2000 there, so this request was not taken: nothing was queued "
                + "or charged. Send it again in about 40 s (Retry-After), when the line has moved.", RETRY,
                Map.of("worker", "image-worker", "lane", "interactive", "waiting", 2000, "maxWaiting", 2000));
        add("uploads-busy", 503, "Busy with other uploads", "This server is decoding 2 uploaded images already, the most it does "
                + "at once. Nothing was queued or charged: send the request again in a few seconds (Retry-After).", RETRY, Map.of());
        add("limits-unavailable", 503, "Limits cannot be checked", "Generation is paused because the gateway cannot reach the "
                + "store its limits are kept in. Nothing was queued: try again in a minute.", RETRY, Map.of());
    }

    private ProblemCatalog() {
    }

    static Entry entry(String type) {
        var entry = ENTRIES.get(type);
        if (entry == null) {
            throw new IllegalStateException("The problem type '" + type + "' is not in " + ProblemCatalog.class.getSimpleName()
                    + ": add its status, title and an example there");
        }
        return entry;
    }

    static Map<String, Entry> all() {
        return ENTRIES;
    }
}
