package com.desayre.gateway.admin;

import com.desayre.gateway.accounts.AccountRules;
import com.desayre.gateway.accounts.Accounts;
import com.desayre.gateway.accounts.AuditLog;
import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.ProblemTypes;
import com.desayre.gateway.web.RequestValidator;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
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
import reactor.core.scheduler.Schedulers;

/**
 * User administration (role admin: enforced in SecurityConfiguration for {@code /api/admin/**}).
 * Each change is recorded in the audit log, readable at {@code GET /api/admin/audit}.
 */
@RestController
@RequestMapping("/api/admin")
class AdminUsersController {
    private final Accounts accounts;
    private final AuditLog audit;
    private final BCryptPasswordEncoder passwords;
    private final RequestValidator validator;

    AdminUsersController(Accounts accounts, AuditLog audit, BCryptPasswordEncoder passwords, RequestValidator validator) {
        this.validator = validator;
        this.accounts = accounts;
        this.audit = audit;
        this.passwords = passwords;
    }

    @Operation(operationId = "listUsers", summary = "Every user, with role and whether enabled")
    @GetMapping("/users")
    Mono<List<Accounts.UserView>> list() {
        return accounts.list().collectList();
    }

    @Operation(operationId = "getUser", summary = "One user")
    @ProblemTypes({"not-found"})
    @GetMapping("/users/{username}")
    Mono<Accounts.UserView> one(@PathVariable String username) {
        var name = AccountRules.normalize(username);
        return accounts.find(name).map(Accounts.Account::view).switchIfEmpty(Mono.error(() -> Accounts.noSuchUser(name)));
    }

    /** {@code {"username", "password", "role"?}} (role {@code member} by default) → 201 + the user. */
    @Operation(operationId = "createUser", summary = "Create a user (a member unless the role says admin)")
    @ApiResponse(responseCode = "201", description = "Created",
            headers = @Header(name = "Location", description = "The user: /api/admin/users/{username}", schema = @Schema(type = "string", format = "uri-reference")))
    @ProblemTypes({"username-taken"})
    @PostMapping("/users")
    Mono<ResponseEntity<Accounts.UserView>> create(@RequestBody NewUser request, CurrentUser admin) {
        validator.check(request, List.of()); // not @Valid: NewUser.Fits names its fields, which Spring cannot read back from a record
        var username = request.name();
        var password = request.password();
        var role = request.roleOrDefault();
        return hash(password)
                .flatMap(hash -> accounts.create(admin.id(), username, hash, role))
                .map(created -> ResponseEntity.created(URI.create("/api/admin/users/" + created.username())).body(created));
    }

    /** {@code {"role"?, "enabled"?}}: change the role, disable or enable. Disabling ends the user's sessions at once. */
    @Operation(operationId = "updateUser", summary = "Change a user's role, or disable or enable them",
            description = "Disabling ends the user's sessions and API keys at once.")
    @ProblemTypes({"not-found", "own-account", "last-admin"})
    @PatchMapping("/users/{username}")
    Mono<Accounts.UserView> update(@PathVariable String username, @RequestBody UserChange change, CurrentUser admin) {
        validator.check(change, List.of());
        var name = AccountRules.normalize(username);
        var role = change.newRole();
        var enabled = change.enabled();
        if (name.equals(admin.id()) && (Boolean.FALSE.equals(enabled) || AccountRules.MEMBER.equals(role))) {
            return Mono.error(new ApiProblem(HttpStatus.CONFLICT, "own-account", "Not on your own account",
                    "You cannot disable or demote your own account; ask another admin.", Map.of()));
        }
        return accounts.update(admin.id(), name, role, enabled);
    }

    /** {@code {"password"}}: sets a new password and ends the user's sessions; tell them the new one another way. */
    @Operation(operationId = "resetUserPassword", summary = "Set a user's password; their sessions end",
            description = "Tell them the new password another way.")
    @ApiResponse(responseCode = "204", description = "Set")
    @ProblemTypes({"not-found"})
    @PostMapping("/users/{username}/password")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> resetPassword(@PathVariable String username, @RequestBody PasswordReset request, CurrentUser admin) {
        var name = AccountRules.normalize(username);
        var password = request.password();
        var rules = password == null || password.isBlank() || password.length() > 1000 ? null : AccountRules.passwordProblem(password, name);
        validator.check(request, rules == null ? List.of() : List.of(new ApiProblem.FieldError("password", rules)));
        return hash(password).flatMap(hash -> accounts.setPassword(admin.id(), name, hash, "user.password-reset")).then();
    }

    /**
     * The audit log, newest first: {@code ?limit=} (1–500, default 100) and {@code ?before=<id>} to page back;
     * {@code ?user=} what a user did or had done to them, {@code ?action=} actions starting with it ({@code user.}).
     */
    @Operation(operationId = "listAuditLog", summary = "The audit log of admin actions, newest first",
            description = "Page back with `before`: the id of the oldest entry you have. `user` keeps what that user did or had "
                    + "done to them; `action` keeps the actions that start with it (`user.` for every change to a user).")
    @ProblemTypes({"invalid-request"})
    @GetMapping("/audit")
    Mono<List<AuditLog.Entry>> audit(@RequestParam(required = false) @io.swagger.v3.oas.annotations.Parameter(schema = @io.swagger.v3.oas.annotations.media.Schema(type = "integer", minimum = "1", maximum = "500",
            defaultValue = "100")) String limit, @RequestParam(required = false) String before,
            @RequestParam(required = false) @io.swagger.v3.oas.annotations.Parameter(description = "A username: entries it did or that were done to it") String user,
            @RequestParam(required = false) @io.swagger.v3.oas.annotations.Parameter(description = "An action or its start, e.g. user.role or user.") String action) {
        var size = parse(limit, "limit", 100);
        var errors = new java.util.ArrayList<ApiProblem.FieldError>();
        if (size < 1 || size > 500) {
            errors.add(new ApiProblem.FieldError("limit", "'limit' must be between 1 and 500."));
        }
        var who = filter(user, "user", errors);
        var what = filter(action, "action", errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        Long beforeId = before == null ? null : parse(before, "before", 0);
        return audit.recent((int) size, beforeId, who == null ? null : AccountRules.normalize(who), what).collectList();
    }

    /** An optional text filter: blank means none; at most 100 characters and no control characters. */
    private static String filter(String value, String name, List<ApiProblem.FieldError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        var text = value.strip();
        if (text.length() > 100 || com.desayre.contracts.RequestRules.hasControl(text, false)) {
            errors.add(new ApiProblem.FieldError(name, "'" + name + "' must be at most 100 characters, without control characters."));
            return null;
        }
        return text;
    }

    private static long parse(String value, String name, long fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError(name, "'" + name + "' must be a whole number.")));
        }
    }

    private Mono<String> hash(String password) {
        // bcrypt is deliberately slow: keep it off the event loop
        return Mono.fromCallable(() -> passwords.encode(password)).subscribeOn(Schedulers.boundedElastic());
    }
}
