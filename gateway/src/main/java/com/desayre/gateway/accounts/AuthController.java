package com.desayre.gateway.accounts;

import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.ProblemTypes;
import com.desayre.gateway.web.RequestValidator;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.annotation.PostConstruct;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sign-in, sign-out, who am I, and changing one's own password.
 *
 * <p>A wrong password, an unknown user and a disabled account get the same answer after the
 * same bcrypt work (a decoy hash stands in for a missing user), so none can be told apart by
 * reply or timing. Failed attempts slow an account down and stop the address they come from, but never lock an
 * account for everyone ({@link LoginLimiter}).
 */
@RestController
@RequestMapping("/api/auth")
class AuthController {
    private static final Logger log = LoggerFactory.getLogger(AuthController.class);
    static final String ROLE_CLAIM = "role";
    static final String TOO_MANY_ATTEMPTS = "too-many-sign-in-attempts";

    private final BCryptPasswordEncoder passwords;
    private final Accounts accounts;
    private final Sessions sessions;
    private final LoginLimiter limiter;
    private final RequestValidator validator;
    private final SessionLog sessionLog;
    private String decoyHash;

    AuthController(BCryptPasswordEncoder passwords, Accounts accounts, Sessions sessions, LoginLimiter limiter,
                   RequestValidator validator, SessionLog sessionLog) {
        this.validator = validator;
        this.sessionLog = sessionLog;
        this.passwords = passwords;
        this.accounts = accounts;
        this.sessions = sessions;
        this.limiter = limiter;
    }

    @PostConstruct
    void hashDecoy() {
        decoyHash = passwords.encode("not-a-password-" + System.nanoTime());
    }

    @Operation(operationId = "signIn", summary = "Sign in with a username and password",
            description = "Answers the session token, also set as the HTTP-only session cookie (with the readable XSRF-TOKEN cookie "
                    + "for browsers). Failed attempts slow the account down (at most 3 s, never a lockout); past 5 per account or 50 "
                    + "per address, that address gets 429 with Retry-After.")
    @ApiResponse(responseCode = "200", description = "Signed in: the session token and who you are",
            headers = @Header(name = "Set-Cookie", description = "The session cookie (HTTP-only, SameSite=Lax) and the XSRF-TOKEN cookie", schema = @Schema(type = "string")))
    @ProblemTypes({"bad-credentials", "too-many-sign-in-attempts"})
    @PostMapping("/login")
    Mono<ResponseEntity<Object>> login(@RequestBody @Valid Credentials credentials, ServerWebExchange exchange) {
        var username = AccountRules.normalize(credentials.username());
        var address = clientAddress(exchange);
        return limiter.reserve(username, address).flatMap(attempt -> {
            if (attempt.refused()) {
                return Mono.just(tooManyAttempts(exchange, attempt.refusedFor()));
            }
            return waitFor(attempt).then(Mono.defer(() -> accounts.find(username))).map(Optional::of).defaultIfEmpty(Optional.empty())
                    // bcrypt is deliberately slow: keep it off the event loop
                    .publishOn(Schedulers.boundedElastic())
                    .map(account -> verify(account, credentials.password()))
                    .flatMap(account -> account
                            .map(ok -> limiter.succeeded(username, address)
                                    .then(accounts.touchLogin(ok.username()).onErrorResume(e -> Mono.empty()))
                                    .then(Mono.defer(() -> session(exchange, ok))))
                            .orElseGet(() -> Mono.error(badCredentials())));
        });
    }

    @Operation(operationId = "getCurrentUser", summary = "Who is signed in, and with what (session or API key)")
    @GetMapping("/me")
    Map<String, Object> me(CurrentUser user, Authentication authentication) {
        var me = new LinkedHashMap<String, Object>();
        me.put("username", user.id());
        me.put("role", user.admin() ? AccountRules.ADMIN : AccountRules.MEMBER);
        if (authentication instanceof DesayreAuthentication signedIn) {
            me.put("authenticatedBy", signedIn.kind() == DesayreAuthentication.Kind.SESSION ? "session" : "api-key");
            if (signedIn.sessionToken() != null) {
                me.put("expiresAt", signedIn.sessionToken().getExpiresAt());
            }
        }
        return me;
    }

    /** Ends the session (every token of it, see {@link Sessions}) and clears the cookie. */
    @Operation(operationId = "signOut", summary = "Sign out: end the session (every token of it) and clear its cookie")
    @ApiResponse(responseCode = "204", description = "Signed out",
            headers = @Header(name = "Set-Cookie", description = "The session cookie, expired", schema = @Schema(type = "string")))
    @PostMapping("/logout")
    Mono<ResponseEntity<Void>> logout(Authentication authentication, ServerWebExchange exchange) {
        var cleared = ResponseEntity.noContent().header(HttpHeaders.SET_COOKIE, sessions.expiredCookie(exchange).toString()).<Void>build();
        if (authentication instanceof DesayreAuthentication signedIn && signedIn.sessionToken() != null) {
            var sid = signedIn.sessionToken().getClaimAsString(Sessions.SESSION_ID);
            return sessions.revoke(signedIn.sessionToken())
                    .then(Mono.defer(() -> sessionLog.ended(sid).onErrorResume(e -> {
                        log.warn("Signed out, but the session list could not record it: {}", e.toString());
                        return Mono.empty();
                    })))
                    .onErrorMap(e -> new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, ApiProblem.KAFKA_UNAVAILABLE, "Service unavailable",
                            "The session could not be ended just now; try again in a few seconds.", Map.of()))
                    .thenReturn(cleared);
        }
        return Mono.just(cleared);
    }

    /**
     * {@code {"currentPassword", "newPassword"}}: changes one's own password, ends every other
     * session of the account, and answers a fresh session like sign-in does.
     */
    @Operation(operationId = "changePassword", summary = "Change your password",
            description = "Ends your other sessions and answers a fresh one, like sign-in. A wrong current password is an "
                    + "invalid-request naming currentPassword, and counts as a failed sign-in.")
    @ApiResponse(responseCode = "200", description = "Changed: a fresh session token",
            headers = @Header(name = "Set-Cookie", description = "The fresh session cookie", schema = @Schema(type = "string")))
    @ProblemTypes({"too-many-sign-in-attempts"})
    @PostMapping("/password")
    Mono<ResponseEntity<Object>> changePassword(@RequestBody PasswordChange request, CurrentUser user, ServerWebExchange exchange) {
        var next = request.newPassword();
        var current = request.currentPassword();
        var rules = new ArrayList<ApiProblem.FieldError>();
        if (next != null && !next.isBlank() && next.length() <= 1000) {
            var problem = AccountRules.passwordProblem(next, user.id());
            if (problem != null) {
                rules.add(new ApiProblem.FieldError("newPassword", problem));
            } else if (next.equals(current)) {
                rules.add(new ApiProblem.FieldError("newPassword", "The new password must differ from the current one."));
            }
        }
        validator.check(request, rules);
        var address = clientAddress(exchange);
        return limiter.reserve(user.id(), address).flatMap(attempt -> {
            if (attempt.refused()) {
                return Mono.just(tooManyAttempts(exchange, attempt.refusedFor()));
            }
            return waitFor(attempt).then(Mono.defer(() -> accounts.find(user.id())))
                    .switchIfEmpty(Mono.error(() -> Accounts.noSuchUser(user.id())))
                    .publishOn(Schedulers.boundedElastic())
                    .flatMap(account -> {
                        if (!matches(current, account.passwordHash())) {
                            return Mono.error(ApiProblem.invalid(List.of(new ApiProblem.FieldError("currentPassword",
                                    "The current password is wrong."))));
                        }
                        var hash = passwords.encode(next);
                        return limiter.succeeded(user.id(), address)
                                .then(accounts.setPassword(user.id(), user.id(), hash, "password.change"))
                                .flatMap(updated -> session(exchange, updated));
                    });
        });
    }

    /** An account with recent failures is slowed, never locked: a timer (no thread is held), at most desayre.auth.login.max-delay. */
    private static Mono<Void> waitFor(LoginLimiter.Attempt attempt) {
        return attempt.delay().isZero() ? Mono.empty() : Mono.delay(attempt.delay()).then();
    }

    private Optional<Accounts.Account> verify(Optional<Accounts.Account> account, String password) {
        var hash = account.map(Accounts.Account::passwordHash).orElse(decoyHash);
        var matches = matches(password, hash);
        return account.filter(found -> matches && found.enabled());
    }

    private boolean matches(String password, String hash) {
        if (password.getBytes(StandardCharsets.UTF_8).length > AccountRules.MAX_PASSWORD_BYTES) {
            passwords.matches("", decoyHash); // the same work, and never a match
            return false;
        }
        return passwords.matches(password, hash);
    }

    /**
     * A new session, answered like sign-in, and listed among the user's open sessions. The list is a courtesy beside the
     * token (which alone authenticates): a sign-in is not refused because it could not be listed.
     */
    private Mono<ResponseEntity<Object>> session(ServerWebExchange exchange, Accounts.Account account) {
        var issued = sessions.start(account.username(), account.role(), account.sessionEpoch());
        var userAgent = exchange.getRequest().getHeaders().getFirst(HttpHeaders.USER_AGENT);
        return sessionLog.opened(issued.sessionId(), account.username(), account.sessionEpoch(), userAgent, issued.expiresAt())
                .onErrorResume(e -> {
                    log.warn("A session of {} could not be added to its list: {}", account.username(), e.toString());
                    return Mono.empty();
                })
                .thenReturn(answer(exchange, account, issued));
    }

    private ResponseEntity<Object> answer(ServerWebExchange exchange, Accounts.Account account, Sessions.Issued issued) {
        var body = new LinkedHashMap<String, Object>();
        body.put("token", issued.token());
        body.put("tokenType", "Bearer");
        body.put("expiresAt", issued.expiresAt().toString());
        body.put("user", Map.of("username", account.username(), "role", account.role()));
        return ResponseEntity.ok().header(HttpHeaders.SET_COOKIE, sessions.cookie(exchange, issued).toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(body);
    }

    private static ApiProblem badCredentials() {
        return new ApiProblem(HttpStatus.UNAUTHORIZED, ApiProblem.BAD_CREDENTIALS, "Sign-in failed",
                "The username or password is wrong (or the account is disabled).", Map.of());
    }

    private static ResponseEntity<Object> tooManyAttempts(ServerWebExchange exchange, Duration wait) {
        var seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        var problem = ApiProblem.problem(HttpStatus.TOO_MANY_REQUESTS, TOO_MANY_ATTEMPTS, "Too many sign-in attempts",
                "Too many failed sign-ins from this address. Try again in " + seconds + " seconds.",
                Map.of("retryAfterSeconds", seconds));
        problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, String.valueOf(seconds))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body((Object) problem);
    }

    /** The client's address: the connection's peer, or the X-Forwarded-For/Forwarded one when server.forward-headers-strategy trusts a proxy. */
    static String clientAddress(ServerWebExchange exchange) {
        var remote = exchange.getRequest().getRemoteAddress();
        if (remote == null) {
            return "unknown";
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }
}
