package com.desayre.gateway.keys;

import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.web.ProblemTypes;
import io.swagger.v3.oas.annotations.Operation;
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
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A user's personal API keys (managed from a signed-in session only, see SecurityConfiguration):
 * create (the secret is answered once), list (never the secret), revoke.
 */
@RestController
@RequestMapping("/api/keys")
class ApiKeysController {
    private final ApiKeys keys;

    ApiKeysController(ApiKeys keys) {
        this.keys = keys;
    }

    /** {@code {"name"}} → 201 {@code {id, name, key, createdAt}}; {@code key} is shown only in this answer. */
    @Operation(operationId = "createApiKey", summary = "Create a personal API key",
            description = "The secret (`key`, dsy_…) is in this answer only: store it now. Send it as `Authorization: Bearer dsy_…` "
                    + "or `X-API-Key`.")
    @ApiResponse(responseCode = "201", description = "Created, with its secret",
            headers = @Header(name = "Location", description = "The key: /api/keys/{id}", schema = @Schema(type = "string", format = "uri-reference")))
    @ProblemTypes({"too-many-api-keys"})
    @PostMapping
    Mono<ResponseEntity<ApiKeys.NewKey>> create(@RequestBody @Valid NewKeyRequest request, CurrentUser user) {
        return keys.create(user.id(), request.name().strip())
                .map(created -> ResponseEntity.created(URI.create("/api/keys/" + created.id()))
                        .header(HttpHeaders.CACHE_CONTROL, "no-store")
                        .body(created));
    }

    @Operation(operationId = "listApiKeys", summary = "Your API keys, with when each was created and last used (never their secrets)")
    @GetMapping
    Mono<List<ApiKeys.KeyView>> list(CurrentUser user) {
        return keys.list(user.id()).collectList();
    }

    @Operation(operationId = "revokeApiKey", summary = "Revoke one of your API keys; requests with it are refused at once")
    @ApiResponse(responseCode = "204", description = "Revoked")
    @ProblemTypes({"not-found"})
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> revoke(@PathVariable String id, CurrentUser user) {
        return keys.revoke(user.id(), id);
    }
}
