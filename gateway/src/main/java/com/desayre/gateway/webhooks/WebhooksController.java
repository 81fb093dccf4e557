package com.desayre.gateway.webhooks;

import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.ProblemTypes;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A user's webhook endpoints (docs/webhooks.md): register (the secret is answered once), list, read, change, delete,
 * rotate the secret, send a test, read the delivery log and redeliver. Only the owner sees an endpoint (404 for others).
 */
@RestController
@RequestMapping("/api/webhooks")
class WebhooksController {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    private final Webhooks webhooks;
    private final WebhookUrls urls;

    WebhooksController(Webhooks webhooks, WebhookUrls urls) {
        this.webhooks = webhooks;
        this.urls = urls;
    }

    @Operation(operationId = "createWebhook", summary = "Register a webhook endpoint",
            description = "DESAYRE will POST each event you list to the URL, signed as the Standard Webhooks specification says "
                    + "(`webhook-id`, `webhook-timestamp`, `webhook-signature`). The signing secret (`secret`, whsec_…) is in this "
                    + "answer only: store it now. The URL must be http(s), without user:password@, and its host must resolve to "
                    + "public addresses only.")
    @ApiResponse(responseCode = "201", description = "Registered, with its secret",
            headers = @Header(name = "Location", description = "The endpoint: /api/webhooks/{id}", schema = @Schema(type = "string", format = "uri-reference")))
    @ProblemTypes({"invalid-request", "webhook-url-refused", "too-many-webhooks"})
    @PostMapping
    Mono<ResponseEntity<Webhooks.CreatedEndpoint>> create(@RequestBody @Valid NewWebhookRequest request, CurrentUser user) {
        return urls.check(request.url())
                .flatMap(url -> webhooks.create(user.id(), url, request.events(), request.description()))
                .map(created -> ResponseEntity.created(URI.create("/api/webhooks/" + created.id()))
                        .header(HttpHeaders.CACHE_CONTROL, "no-store")
                        .body(created));
    }

    @Operation(operationId = "listWebhooks", summary = "Your webhook endpoints (never their secrets)")
    @GetMapping
    Mono<List<Webhooks.Endpoint>> list(CurrentUser user) {
        return webhooks.list(user.id()).collectList();
    }

    /** The request secret, for verifying per-request webhooks. */
    record RequestSecret(@Schema(description = "whsec_ + base64 of 32 bytes: signs the webhooks of every webhookUrl you send") String secret) {
        @Override
        public String toString() {
            return "RequestSecret[****]";
        }
    }

    @Operation(operationId = "getWebhookRequestSecret", summary = "The secret your per-request webhooks (webhookUrl) are signed with",
            description = "Made on first use; the same for every webhookUrl you send on POST /api/generate/*.")
    @GetMapping("/request-secret")
    Mono<ResponseEntity<RequestSecret>> requestSecret(CurrentUser user) {
        return webhooks.requestSecret(user.id())
                .map(secret -> ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store")
                        .body(new RequestSecret(Webhooks.SECRET_PREFIX + secret)));
    }

    @Operation(operationId = "getWebhook", summary = "One of your webhook endpoints; `disabledReason` says why deliveries stopped")
    @ProblemTypes({"not-found"})
    @GetMapping("/{id}")
    Mono<Webhooks.Endpoint> get(@PathVariable String id, CurrentUser user) {
        return webhooks.get(user.id(), id);
    }

    @Operation(operationId = "updateWebhook", summary = "Change an endpoint's events, description, or enable/disable it",
            description = "Enabling an endpoint that was disabled (by you, or after failing for days) clears `disabledReason`.")
    @ProblemTypes({"invalid-request", "not-found"})
    @PatchMapping("/{id}")
    Mono<Webhooks.Endpoint> update(@PathVariable String id, @RequestBody @Valid WebhookChange change, CurrentUser user) {
        return webhooks.change(user.id(), id, change);
    }

    @Operation(operationId = "deleteWebhook", summary = "Delete an endpoint; nothing more is sent to it")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ProblemTypes({"not-found"})
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> delete(@PathVariable String id, CurrentUser user) {
        return webhooks.delete(user.id(), id);
    }

    @Operation(operationId = "rotateWebhookSecret", summary = "A new signing secret; the old one keeps signing for 24 hours",
            description = "The new secret is in this answer only. Until `previousSecretValidUntil`, every delivery carries two "
                    + "signatures (one per secret) in `webhook-signature`, so receivers can switch without missing one.")
    @ProblemTypes({"not-found"})
    @PostMapping("/{id}/rotate")
    Mono<ResponseEntity<Webhooks.RotatedSecret>> rotate(@PathVariable String id, CurrentUser user) {
        return webhooks.rotate(user.id(), id)
                .map(rotated -> ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").body(rotated));
    }

    @Operation(operationId = "testWebhook", summary = "Send a `webhook.test` event to the endpoint now",
            description = "Also to a disabled endpoint, to check it before enabling it again. Follow it in the delivery log.")
    @ApiResponse(responseCode = "202", description = "Queued for sending",
            headers = @Header(name = "Location", description = "The endpoint's delivery log", schema = @Schema(type = "string", format = "uri-reference")))
    @ProblemTypes({"not-found"})
    @PostMapping("/{id}/test")
    Mono<ResponseEntity<Webhooks.Delivery>> test(@PathVariable String id, CurrentUser user) {
        return webhooks.test(user.id(), id)
                .map(delivery -> ResponseEntity.accepted().location(URI.create("/api/webhooks/" + id + "/deliveries")).body(delivery));
    }

    @Operation(operationId = "listWebhookDeliveries", summary = "The endpoint's deliveries, newest first",
            description = "Each with its state (`pending`, `delivered`, `failed`), attempts, when the next is due, and the last "
                    + "attempt's status code, latency and up to 1 KB of the answer.")
    @ProblemTypes({"invalid-request", "not-found"})
    @GetMapping("/{id}/deliveries")
    Mono<List<Webhooks.Delivery>> deliveries(@PathVariable String id,
                                             @RequestParam(required = false) @Parameter(schema = @Schema(type = "integer", minimum = "1",
                                                     maximum = "" + MAX_LIMIT, defaultValue = "" + DEFAULT_LIMIT)) Integer limit,
                                             CurrentUser user) {
        var size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            return Mono.error(ApiProblem.invalid(List.of(new ApiProblem.FieldError("limit",
                    "'limit' must be between 1 and " + MAX_LIMIT + "."))));
        }
        return webhooks.deliveries(user.id(), id, size).collectList();
    }

    @Operation(operationId = "redeliverWebhook", summary = "Send a delivery again now, with the same webhook-id and body",
            description = "Its retries start over. A receiver that already has it recognises the webhook-id.")
    @ApiResponse(responseCode = "202", description = "Queued for sending")
    @ProblemTypes({"not-found"})
    @PostMapping("/{id}/deliveries/{deliveryId}/redeliver")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<Webhooks.Delivery> redeliver(@PathVariable String id, @PathVariable String deliveryId, CurrentUser user) {
        return webhooks.redeliver(user.id(), id, deliveryId);
    }
}
