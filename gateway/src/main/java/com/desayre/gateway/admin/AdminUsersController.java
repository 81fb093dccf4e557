package com.desayre.gateway.admin;

import com.desayre.gateway.accounts.AccountRules;
import com.desayre.gateway.accounts.Accounts;
import com.desayre.gateway.accounts.AuditLog;
import com.desayre.gateway.accounts.CurrentUser;
import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.RequestFields;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import tools.jackson.databind.JsonNode;

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

    AdminUsersController(Accounts accounts, AuditLog audit, BCryptPasswordEncoder passwords) {
        this.accounts = accounts;
        this.audit = audit;
        this.passwords = passwords;
    }

    @GetMapping("/users")
    Mono<List<Accounts.UserView>> list() {
        return accounts.list().collectList();
    }

    @GetMapping("/users/{username}")
    Mono<Accounts.UserView> one(@PathVariable String username) {
        var name = AccountRules.normalize(username);
        return accounts.find(name).map(Accounts.Account::view).switchIfEmpty(Mono.error(() -> Accounts.noSuchUser(name)));
    }

    /** {@code {"username", "password", "role"?}} (role {@code member} by default) → 201 + the user. */
    @PostMapping("/users")
    Mono<ResponseEntity<Accounts.UserView>> create(@RequestBody JsonNode body, CurrentUser admin) {
        var fields = new RequestFields(body, Set.of("username", "password", "role"));
        var rawName = fields.requiredText("username", 100, "3 to 32 characters: letters, digits, '.', '_' or '-'.");
        var password = fields.requiredText("password", 1000, "at least " + AccountRules.MIN_PASSWORD_CHARS + " characters.");
        var role = role(fields);
        var username = rawName == null ? null : AccountRules.normalize(rawName);
        if (username != null && AccountRules.usernameProblem(username) != null) {
            fields.reject("username", AccountRules.usernameProblem(username));
        }
        if (password != null && AccountRules.passwordProblem(password, username) != null) {
            fields.reject("password", AccountRules.passwordProblem(password, username));
        }
        fields.throwIfInvalid();
        return hash(password)
                .flatMap(hash -> accounts.create(admin.id(), username, hash, role == null ? AccountRules.MEMBER : role))
                .map(created -> ResponseEntity.created(URI.create("/api/admin/users/" + created.username())).body(created));
    }

    /** {@code {"role"?, "enabled"?}}: change the role, disable or enable. Disabling ends the user's sessions at once. */
    @PatchMapping("/users/{username}")
    Mono<Accounts.UserView> update(@PathVariable String username, @RequestBody JsonNode body, CurrentUser admin) {
        var name = AccountRules.normalize(username);
        var fields = new RequestFields(body, Set.of("role", "enabled"));
        var role = role(fields);
        Boolean enabled = body.has("enabled") && !body.get("enabled").isNull() ? fields.optionalBoolean("enabled", true) : null;
        if (role == null && enabled == null) {
            fields.reject("", "Send 'role' (admin or member) and/or 'enabled' (true or false).");
        }
        fields.throwIfInvalid();
        if (name.equals(admin.id()) && (Boolean.FALSE.equals(enabled) || AccountRules.MEMBER.equals(role))) {
            return Mono.error(new ApiProblem(HttpStatus.CONFLICT, "own-account", "Not on your own account",
                    "You cannot disable or demote your own account; ask another admin.", Map.of()));
        }
        return accounts.update(admin.id(), name, role, enabled);
    }

    /** {@code {"password"}}: sets a new password and ends the user's sessions; tell them the new one another way. */
    @PostMapping("/users/{username}/password")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> resetPassword(@PathVariable String username, @RequestBody JsonNode body, CurrentUser admin) {
        var name = AccountRules.normalize(username);
        var fields = new RequestFields(body, Set.of("password"));
        var password = fields.requiredText("password", 1000, "at least " + AccountRules.MIN_PASSWORD_CHARS + " characters.");
        if (password != null && AccountRules.passwordProblem(password, name) != null) {
            fields.reject("password", AccountRules.passwordProblem(password, name));
        }
        fields.throwIfInvalid();
        return hash(password).flatMap(hash -> accounts.setPassword(admin.id(), name, hash, "user.password-reset")).then();
    }

    /** The audit log, newest first: {@code ?limit=} (1–500, default 100) and {@code ?before=<id>} to page back. */
    @GetMapping("/audit")
    Mono<List<AuditLog.Entry>> audit(@RequestParam(required = false) String limit, @RequestParam(required = false) String before) {
        var size = parse(limit, "limit", 100);
        if (size < 1 || size > 500) {
            throw ApiProblem.invalid(List.of(new ApiProblem.FieldError("limit", "'limit' must be between 1 and 500.")));
        }
        Long beforeId = before == null ? null : parse(before, "before", 0);
        return audit.recent((int) size, beforeId).collectList();
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

    private static String role(RequestFields fields) {
        var role = fields.optionalText("role");
        if (role != null && !AccountRules.ROLES.contains(role)) {
            fields.reject("role", "'role' must be admin or member.");
            return null;
        }
        return role;
    }

    private Mono<String> hash(String password) {
        // bcrypt is deliberately slow: keep it off the event loop
        return Mono.fromCallable(() -> passwords.encode(password)).subscribeOn(Schedulers.boundedElastic());
    }
}
