package com.desayre.gateway;

import jakarta.annotation.PostConstruct;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * Sign-in for the bootstrap admin. A wrong password and an unknown user get the same answer after
 * the same bcrypt work, so neither can be told apart by reply or timing.
 */
@RestController
@RequestMapping("/api/auth")
class AuthController {
    static final String ROLE_CLAIM = "role";

    private final AuthSettings settings;
    private final BCryptPasswordEncoder passwords;
    private final JwtEncoder jwts;
    private String adminHash;
    private String decoyHash;

    AuthController(AuthSettings settings, BCryptPasswordEncoder passwords, JwtEncoder jwts) {
        this.settings = settings;
        this.passwords = passwords;
        this.jwts = jwts;
    }

    @PostConstruct
    void hashPasswords() {
        adminHash = AuthSettings.blank(settings.adminPasswordHash())
                ? passwords.encode(settings.adminPassword())
                : settings.adminPasswordHash();
        decoyHash = passwords.encode("not-a-password-" + System.nanoTime());
    }

    record Credentials(String username, String password) {
    }

    @PostMapping("/login")
    Mono<ResponseEntity<Map<String, Object>>> login(@RequestBody JsonNode body) {
        var credentials = credentials(body);
        // bcrypt is deliberately slow: keep it off the event loop
        return Mono.fromCallable(() -> check(credentials))
                .subscribeOn(Schedulers.boundedElastic())
                .map(ok -> {
                    if (!ok) {
                        throw new ApiProblem(HttpStatus.UNAUTHORIZED, ApiProblem.BAD_CREDENTIALS, "Sign-in failed",
                                "The username or password is wrong.", Map.of());
                    }
                    return session(credentials.username());
                });
    }

    @GetMapping("/me")
    Map<String, Object> me(@AuthenticationPrincipal Jwt jwt) {
        return user(jwt.getSubject(), jwt.getClaimAsString(ROLE_CLAIM));
    }

    @PostMapping("/logout")
    ResponseEntity<Void> logout() {
        var expired = ResponseCookie.from(SecurityConfiguration.SESSION_COOKIE, "").httpOnly(true)
                .secure(settings.secureCookie()).sameSite("Lax").path("/").maxAge(0).build();
        return ResponseEntity.noContent().header(HttpHeaders.SET_COOKIE, expired.toString()).build();
    }

    private boolean check(Credentials credentials) {
        var known = settings.adminUsername().equals(credentials.username());
        var matches = passwords.matches(credentials.password(), known ? adminHash : decoyHash);
        return known && matches;
    }

    private ResponseEntity<Map<String, Object>> session(String username) {
        var now = Instant.now();
        var expires = now.plus(settings.sessionTtl());
        var claims = JwtClaimsSet.builder().issuer("desayre").subject(username).issuedAt(now).expiresAt(expires)
                .claim(ROLE_CLAIM, "admin").build();
        var token = jwts.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims)).getTokenValue();
        var cookie = ResponseCookie.from(SecurityConfiguration.SESSION_COOKIE, token).httpOnly(true)
                .secure(settings.secureCookie()).sameSite("Lax").path("/").maxAge(settings.sessionTtl()).build();
        return ResponseEntity.ok().header(HttpHeaders.SET_COOKIE, cookie.toString())
                .body(Map.of("token", token, "tokenType", "Bearer", "expiresAt", expires.toString(),
                        "user", user(username, "admin")));
    }

    private static Map<String, Object> user(String username, String role) {
        return Map.of("username", username, "role", role == null ? "member" : role);
    }

    private static Credentials credentials(JsonNode body) {
        var errors = new ArrayList<ApiProblem.FieldError>();
        var username = text(body, "username", errors);
        var password = text(body, "password", errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(List.copyOf(errors));
        }
        return new Credentials(username, password);
    }

    private static String text(JsonNode body, String field, List<ApiProblem.FieldError> errors) {
        var node = body == null ? null : body.get(field);
        if (node == null || !node.isString() || node.asString().isBlank()) {
            errors.add(new ApiProblem.FieldError(field, "'" + field + "' is required."));
            return null;
        }
        return node.asString();
    }
}
