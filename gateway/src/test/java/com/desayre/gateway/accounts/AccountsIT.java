package com.desayre.gateway.accounts;

import static com.desayre.gateway.AuthTestGateway.cookie;
import static com.desayre.gateway.AuthTestGateway.json;
import static com.desayre.gateway.AuthTestGateway.mint;
import static com.desayre.gateway.AuthTestGateway.newAddress;
import static com.desayre.gateway.AuthTestGateway.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.desayre.gateway.AuthTestGateway;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Accounts and sign-in against a real gateway on real Postgres and Redis: tokens (missing,
 * expired, without exp or iat, forged, alg none, revoked), users disabled and demoted, roles, CSRF, sign-in limits,
 * API keys, sliding renewal, password changes and the audit log.
 */
class AccountsIT {
    private static final String ADMIN_PASSWORD = "the admin's test passphrase";
    private static final String PASSWORD = "a perfectly good passphrase";
    private static final int PER_ACCOUNT_AND_IP = 3;
    private static final int PER_IP = 6;

    private static AuthTestGateway gateway;
    private static String admin;

    @BeforeAll
    static void start() {
        gateway = new AuthTestGateway(Map.of(
                "desayre.auth.admin-password", ADMIN_PASSWORD,
                "desayre.auth.login.per-account-and-ip", String.valueOf(PER_ACCOUNT_AND_IP),
                "desayre.auth.login.per-ip", String.valueOf(PER_IP),
                "desayre.auth.login.window", "10m",
                "desayre.auth.login.max-delay", "1s"));
        admin = gateway.token("admin", ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static HttpResponse<String> me(String bearer) {
        return gateway.call("GET", "/api/auth/me", null, "Authorization", "Bearer " + bearer);
    }

    private static String member() {
        var username = unique("m");
        gateway.createUser(admin, username, PASSWORD, "member");
        return username;
    }

    private static void assertUnauthorized(HttpResponse<String> response, String detailPart) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        var problem = json(response);
        assertThat(problem.get("type").asString()).isEqualTo("/problems/unauthorized");
        assertThat(problem.get("detail").asString()).contains(detailPart);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("eyJ");
    }

    @Test
    void noTokenIsA401Problem() {
        var response = gateway.call("GET", "/api/auth/me", null);
        assertUnauthorized(response, "POST /api/auth/login");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void anExpiredTokenIsRefused() {
        var user = member();
        var now = Instant.now();
        var expired = mint(AuthTestGateway.SECRET, user, "member", 0, "s-" + UUID.randomUUID(), now.minusSeconds(3600),
                now.minusSeconds(3600), now.minusSeconds(300));
        assertUnauthorized(me(expired), "expired");
    }

    @Test
    void aTokenWithAnotherSignatureIsRefused() {
        var user = member();
        var now = Instant.now();
        var forged = mint("someone-elses-secret-that-is-32-bytes-or-more", user, "admin", 0, "s-1", now, now,
                now.plusSeconds(600));
        assertUnauthorized(me(forged), "not valid");
        // and a token whose payload was edited after signing
        var real = gateway.token(user, PASSWORD);
        var parts = real.split("\\.");
        var payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"member\"", "\"admin\"");
        var edited = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        assertUnauthorized(me(edited), "not valid");
    }

    @Test
    void aCorrectlySignedTokenWithoutExpiryOrIssueTimeIsRefused() {
        var user = member();
        var now = Instant.now();
        Function<Consumer<JwtClaimsSet.Builder>, String> sign = customize -> sign(user, now, claims -> {
            claims.claims(all -> {
                all.remove("iat");
                all.remove("exp");
            });
            customize.accept(claims);
        });

        assertUnauthorized(me(sign.apply(claims -> claims.issuedAt(now))), "no expiry (exp)");
        assertUnauthorized(me(sign.apply(claims -> claims.expiresAt(now.plusSeconds(600)))), "no issue time (iat)");
        assertUnauthorized(me(sign.apply(claims -> claims.issuedAt(now).expiresAt(now.plusSeconds(600)).issuer("someone-else"))),
                "issuer (iss)");
        // the same claims with both times are a working session
        assertThat(me(sign.apply(claims -> claims.issuedAt(now).expiresAt(now.plusSeconds(600)))).statusCode()).isEqualTo(200);
        assertThat(me(gateway.token(user, PASSWORD)).statusCode()).isEqualTo(200);
    }

    /**
     * A token signed with the right key but missing a claim the gateway mints, or living longer than
     * a session may (exp - iat over session-ttl, auth_time older than session-max-age), is a 401 that
     * says which rule it broke.
     */
    @Test
    void aCorrectlySignedTokenWithoutIssuerAudienceSessionOrIdOrTooLongALifeIsRefused() {
        var user = member();
        var now = Instant.now();
        assertThat(me(sign(user, now, claims -> { })).statusCode()).isEqualTo(200);

        assertUnauthorized(me(sign(user, now, claims -> claims.claims(all -> all.remove("iss")))), "issuer (iss)");
        assertUnauthorized(me(sign(user, now, claims -> claims.claims(all -> all.remove("aud")))), "audience (aud)");
        assertUnauthorized(me(sign(user, now, claims -> claims.audience(List.of("another-service")))), "audience (aud)");
        assertUnauthorized(me(sign(user, now, claims -> claims.claims(all -> all.remove(Sessions.SESSION_ID)))), "no sid claim");
        assertUnauthorized(me(sign(user, now, claims -> claims.claims(all -> all.remove("jti")))), "no jti claim");
        // a day-long token, though the session ttl is 30 minutes
        assertUnauthorized(me(sign(user, now, claims -> claims.expiresAt(now.plus(Duration.ofDays(1))))), "live longer");
        // a session that began longer ago than session-max-age (12 h) allows
        assertUnauthorized(me(sign(user, now, claims -> claims.claim(Sessions.AUTH_TIME, now.minus(Duration.ofHours(13))
                .getEpochSecond()))), "session began longer ago");
        assertUnauthorized(me(sign(user, now, claims -> claims.issuedAt(now.plus(Duration.ofHours(1)))
                .expiresAt(now.plus(Duration.ofMinutes(70))))), "in the future");
    }

    /** A token signed with the gateway's key and every claim it mints (10 minutes' life), changed by {@code customize}. */
    private static String sign(String user, Instant now, Consumer<JwtClaimsSet.Builder> customize) {
        var key = new SecretKeySpec(AuthTestGateway.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        var encoder = new NimbusJwtEncoder(new ImmutableSecret<>(key));
        var header = JwsHeader.with(MacAlgorithm.HS256).type("JWT").build();
        var claims = JwtClaimsSet.builder().issuer(Sessions.ISSUER).audience(List.of(Sessions.AUDIENCE)).subject(user)
                .issuedAt(now).expiresAt(now.plusSeconds(600))
                .id(UUID.randomUUID().toString()).claim(Sessions.SESSION_ID, "s-" + UUID.randomUUID())
                .claim(Sessions.AUTH_TIME, now.getEpochSecond()).claim(Sessions.EPOCH, 0).claim(Sessions.ROLE, "member");
        customize.accept(claims);
        return encoder.encode(JwtEncoderParameters.from(header, claims.build())).getTokenValue();
    }

    @Test
    void metricsAreForAdminsAndHealthIsOpenWithoutDetails() {
        var anonymous = gateway.call("GET", "/actuator/prometheus", null);
        assertUnauthorized(anonymous, "POST /api/auth/login");
        assertThat(anonymous.body()).doesNotContain("jvm_");
        var asMember = gateway.call("GET", "/actuator/prometheus", null, "Authorization", "Bearer " + gateway.token(member(), PASSWORD));
        assertThat(asMember.statusCode()).isEqualTo(403);
        assertThat(asMember.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        var asAdmin = gateway.call("GET", "/actuator/prometheus", null, "Authorization", "Bearer " + admin);
        assertThat(asAdmin.statusCode()).isEqualTo(200);
        assertThat(asAdmin.body()).contains("jvm_");

        var health = gateway.call("GET", "/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).get("status").asString()).isEqualTo("UP");
        assertThat(json(health).has("components")).as("no details for anonymous callers").isFalse();
    }

    @Test
    void refusalsBeforeAndOutsideControllersAreProblemsAndLogNoStackTrace() {
        var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var logs = new ListAppender<ILoggingEvent>();
        logs.start();
        root.addAppender(logs);
        try {
            var textLogin = gateway.call("POST", "/api/auth/login", null, "Content-Type", "text/plain", "X-Forwarded-For", newAddress());
            // and with a body, as the probe sent it
            var withBody = gateway.callWithBody("POST", "/api/auth/login", "text/plain", "admin:guess", "X-Forwarded-For", newAddress());
            for (var response : List.of(textLogin, withBody)) {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(415);
                assertProblem(response, "/problems/unsupported-media-type");
            }
            var favicon = gateway.call("GET", "/favicon.ico", null);
            assertThat(favicon.statusCode()).isEqualTo(404);
            assertProblem(favicon, "/problems/not-found");
            var unknown = gateway.call("GET", "/no/such/page", null);
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertProblem(unknown, "/problems/not-found");
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).as("nothing logged with a stack trace")
                .noneMatch(event -> event.getThrowableProxy() != null)
                .noneMatch(event -> event.getFormattedMessage().contains("NullPointerException"));
    }

    private static void assertProblem(HttpResponse<String> response, String type) {
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        var problem = json(response);
        assertThat(problem.get("type").asString()).isEqualTo(type);
        assertThat(problem.get("status").asInt()).isEqualTo(response.statusCode());
        assertThat(response.body()).doesNotContain("Exception");
    }

    @Test
    void anUnsignedAlgNoneTokenIsRefused() {
        var now = Instant.now().getEpochSecond();
        var header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        var claims = "{\"iss\":\"desayre\",\"sub\":\"admin\",\"role\":\"admin\",\"sid\":\"x\",\"ver\":0,\"auth_time\":" + now
                + ",\"iat\":" + now + ",\"exp\":" + (now + 600) + "}";
        var payload = Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        assertUnauthorized(me(header + "." + payload + "."), "not valid");
    }

    @Test
    void signingOutRevokesTheTokenAndItsSession() {
        var user = member();
        var token = gateway.token(user, PASSWORD);
        assertThat(json(me(token)).get("authenticatedBy").asString()).isEqualTo("session");

        var logout = gateway.call("POST", "/api/auth/logout", null, "Authorization", "Bearer " + token);
        assertThat(logout.statusCode()).isEqualTo(204);
        assertThat(AuthTestGateway.setCookieHeaders(logout, SecurityConfiguration.SESSION_COOKIE))
                .singleElement().satisfies(c -> assertThat(c).contains("Max-Age=0"));
        assertUnauthorized(me(token), "signed out");
        // signing in again starts a new, working session
        assertThat(me(gateway.token(user, PASSWORD)).statusCode()).isEqualTo(200);
    }

    @Test
    void logoutAlsoEndsTheRenewedTokensOfTheSession() {
        var user = member();
        var now = Instant.now();
        var sid = "s-" + UUID.randomUUID();
        var old = mint(AuthTestGateway.SECRET, user, "member", 0, sid, now.minusSeconds(1200), now.minusSeconds(1200), now.plusSeconds(600));
        var renewed = me(old).headers().firstValue(Sessions.RENEWED_TOKEN_HEADER).orElseThrow();
        assertThat(gateway.call("POST", "/api/auth/logout", null, "Authorization", "Bearer " + renewed).statusCode()).isEqualTo(204);
        assertUnauthorized(me(renewed), "signed out");
        assertUnauthorized(me(old), "signed out");
    }

    @Test
    void aDisabledUserCannotSignInAndTheirTokensAndKeysStopWorking() {
        var user = member();
        var token = gateway.token(user, PASSWORD);
        var key = json(gateway.call("POST", "/api/keys", "{\"name\":\"script\"}", "Authorization", "Bearer " + token)).get("key").asString();
        assertThat(me(key).statusCode()).isEqualTo(200);

        var disabled = gateway.call("PATCH", "/api/admin/users/" + user, "{\"enabled\":false}", "Authorization", "Bearer " + admin);
        assertThat(disabled.statusCode()).isEqualTo(200);
        assertThat(json(disabled).get("enabled").asBoolean()).isFalse();

        assertUnauthorized(me(token), "disabled");
        assertUnauthorized(me(key), "disabled");
        var login = gateway.login(user, PASSWORD, newAddress());
        assertThat(login.statusCode()).isEqualTo(401);
        assertThat(json(login).get("type").asString()).isEqualTo("/problems/bad-credentials");
        var unknown = gateway.login(unique("nobody"), PASSWORD, newAddress());
        assertThat(json(unknown).get("detail")).isEqualTo(json(login).get("detail"));

        // enabled again: signing in works, the old session stays ended, the key works again
        assertThat(gateway.call("PATCH", "/api/admin/users/" + user, "{\"enabled\":true}", "Authorization", "Bearer " + admin)
                .statusCode()).isEqualTo(200);
        assertUnauthorized(me(token), "sign in again");
        assertThat(me(gateway.token(user, PASSWORD)).statusCode()).isEqualTo(200);
        assertThat(me(key).statusCode()).isEqualTo(200);
    }

    @Test
    void aMemberGetsA403ProblemFromAdminEndpointsAndADemotionAppliesAtOnce() {
        var user = member();
        var token = gateway.token(user, PASSWORD);
        for (var path : new String[] {"/api/admin/users", "/api/admin/audit"}) {
            var denied = gateway.call("GET", path, null, "Authorization", "Bearer " + token);
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            assertThat(json(denied).get("type").asString()).isEqualTo("/problems/forbidden");
            assertThat(json(denied).get("detail").asString()).contains("admin role");
        }
        var create = gateway.call("POST", "/api/admin/users", "{\"username\":\"sneaky\",\"password\":\"" + PASSWORD + "\"}",
                "Authorization", "Bearer " + token);
        assertThat(create.statusCode()).isEqualTo(403);

        // promoted: the same token is now an admin's (the role is read from the account, not the token)
        assertThat(gateway.call("PATCH", "/api/admin/users/" + user, "{\"role\":\"admin\"}", "Authorization", "Bearer " + admin)
                .statusCode()).isEqualTo(200);
        assertThat(gateway.call("GET", "/api/admin/users", null, "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
        assertThat(json(me(token)).get("role").asString()).isEqualTo("admin");
        // and demoted again
        assertThat(gateway.call("PATCH", "/api/admin/users/" + user, "{\"role\":\"member\"}", "Authorization", "Bearer " + admin)
                .statusCode()).isEqualTo(200);
        assertThat(gateway.call("GET", "/api/admin/users", null, "Authorization", "Bearer " + token).statusCode()).isEqualTo(403);
    }

    @Test
    void adminUserManagementValidatesAndIsAudited() {
        var bad = gateway.call("POST", "/api/admin/users", "{\"username\":\"A b\",\"password\":\"short\",\"role\":\"boss\"}",
                "Authorization", "Bearer " + admin);
        assertThat(bad.statusCode()).isEqualTo(400);
        var fields = new ArrayList<String>();
        json(bad).get("errors").forEach(error -> fields.add(error.get("field").asString()));
        assertThat(fields).contains("username", "password", "role");

        var user = member();
        var again = gateway.call("POST", "/api/admin/users", "{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}",
                "Authorization", "Bearer " + admin);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).get("type").asString()).isEqualTo("/problems/username-taken");

        var list = json(gateway.call("GET", "/api/admin/users", null, "Authorization", "Bearer " + admin));
        var names = new ArrayList<String>();
        list.forEach(u -> names.add(u.get("username").asString()));
        assertThat(names).contains("admin", user);
        assertThat(list.toString()).doesNotContain("$2a$").doesNotContain("password");

        // the admin may not lock themselves out
        var self = gateway.call("PATCH", "/api/admin/users/admin", "{\"enabled\":false}", "Authorization", "Bearer " + admin);
        assertThat(self.statusCode()).isEqualTo(409);
        assertThat(gateway.call("PATCH", "/api/admin/users/nobody-here", "{\"enabled\":false}", "Authorization", "Bearer " + admin)
                .statusCode()).isEqualTo(404);

        // an admin's reset ends the user's sessions; the new password works
        var token = gateway.token(user, PASSWORD);
        var newPassword = "another fine passphrase";
        var reset = gateway.call("POST", "/api/admin/users/" + user + "/password", "{\"password\":\"" + newPassword + "\"}",
                "Authorization", "Bearer " + admin);
        assertThat(reset.statusCode()).isEqualTo(204);
        assertUnauthorized(me(token), "sign in again");
        assertThat(gateway.login(user, PASSWORD, newAddress()).statusCode()).isEqualTo(401);
        assertThat(gateway.login(user, newPassword, newAddress()).statusCode()).isEqualTo(200);
        gateway.call("PATCH", "/api/admin/users/" + user, "{\"role\":\"admin\"}", "Authorization", "Bearer " + admin);

        var audit = json(gateway.call("GET", "/api/admin/audit?limit=500", null, "Authorization", "Bearer " + admin));
        var actions = new ArrayList<String>();
        audit.forEach(entry -> {
            if (user.equals(entry.get("target").asString())) {
                assertThat(entry.get("actor").asString()).isEqualTo("admin");
                assertThat(entry.get("at").asString()).isNotBlank();
                actions.add(entry.get("action").asString());
            }
        });
        assertThat(actions).containsExactly("user.role", "user.password-reset", "user.create");
        assertThat(audit.toString()).doesNotContain(newPassword);
    }

    @Test
    void cookieSessionsNeedTheCsrfTokenToChangeThingsButBearerCallsDoNot() {
        var user = member();
        var login = gateway.login(user, PASSWORD, newAddress());
        var session = cookie(login, SecurityConfiguration.SESSION_COOKIE);
        var xsrf = cookie(login, SecurityConfiguration.CSRF_COOKIE);
        assertThat(session).isNotBlank();
        assertThat(xsrf).isNotBlank();
        assertThat(AuthTestGateway.setCookieHeaders(login, SecurityConfiguration.CSRF_COOKIE).get(0)).doesNotContain("HttpOnly");
        var body = "{\"name\":\"from the browser\"}";

        var noHeader = gateway.call("POST", "/api/keys", body, "Cookie", "DESAYRE_SESSION=" + session + "; XSRF-TOKEN=" + xsrf);
        assertThat(noHeader.statusCode()).isEqualTo(403);
        assertThat(json(noHeader).get("type").asString()).isEqualTo("/problems/csrf");
        assertThat(noHeader.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");

        var wrongHeader = gateway.call("POST", "/api/keys", body, "Cookie", "DESAYRE_SESSION=" + session + "; XSRF-TOKEN=" + xsrf,
                "X-XSRF-TOKEN", "not-the-token");
        assertThat(wrongHeader.statusCode()).isEqualTo(403);

        var withHeader = gateway.call("POST", "/api/keys", body, "Cookie", "DESAYRE_SESSION=" + session + "; XSRF-TOKEN=" + xsrf,
                "X-XSRF-TOKEN", xsrf);
        assertThat(withHeader.statusCode()).isEqualTo(201);

        var bearer = gateway.call("POST", "/api/keys", body, "Authorization", "Bearer " + json(login).get("token").asString());
        assertThat(bearer.statusCode()).isEqualTo(201);

        // a cookie session without the CSRF cookie gets one from any signed-in GET
        var me = gateway.call("GET", "/api/auth/me", null, "Cookie", "DESAYRE_SESSION=" + session);
        assertThat(me.statusCode()).isEqualTo(200);
        var fresh = cookie(me, SecurityConfiguration.CSRF_COOKIE);
        assertThat(fresh).isNotBlank();
        assertThat(gateway.call("POST", "/api/auth/logout", null, "Cookie", "DESAYRE_SESSION=" + session + "; XSRF-TOKEN=" + fresh,
                "X-XSRF-TOKEN", fresh).statusCode()).isEqualTo(204);
    }

    @Test
    void failuresOnAnAccountStopTheAddressTheyCameFromButNotTheOwnerElsewhere() {
        var user = member();
        var guesser = newAddress();
        for (int i = 0; i < PER_ACCOUNT_AND_IP; i++) {
            assertThat(gateway.login(user, "wrong password " + i, guesser).statusCode()).isEqualTo(401);
        }
        // from the guesser's address even the right password is refused for the rest of the window
        assertTooMany(gateway.login(user, PASSWORD, guesser));
        // the owner, from anywhere else, signs in
        assertThat(gateway.login(user, PASSWORD, newAddress()).statusCode()).isEqualTo(200);
    }

    /**
     * Issue 15 item 5: fifty guesses at {@code admin} from one address (and more from a spread of others) once locked the
     * admin out for 15 minutes. Now the guessing address is stopped and the admin, from an address with no failures, is
     * only slowed (at most {@code max-delay}) and signs in.
     */
    @Test
    void fiftyGuessesAtTheAdminDoNotLockTheAdminOut() throws Exception {
        var guesser = newAddress();
        var answers = new java.util.concurrent.ConcurrentLinkedQueue<Integer>();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(10);
        try {
            var guesses = new ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < 50; i++) {
                var guess = "guess number " + i;
                guesses.add(pool.submit(() -> answers.add(gateway.login("admin", guess, guesser).statusCode())));
            }
            for (var guess : guesses) {
                guess.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // concurrent guesses cannot slip past the (account, address) limit: exactly that many were tried, the rest refused
        assertThat(answers).hasSize(50);
        assertThat(answers.stream().filter(status -> status == 401).count()).isEqualTo(PER_ACCOUNT_AND_IP);
        assertThat(answers.stream().filter(status -> status == 429).count()).isEqualTo(50 - PER_ACCOUNT_AND_IP);
        // a guesser spread over more addresses drives the account's delay to its cap, and no further
        for (int a = 0; a < 5; a++) {
            var elsewhere = newAddress();
            for (int i = 0; i < PER_ACCOUNT_AND_IP; i++) {
                assertThat(gateway.login("admin", "spread guess " + i, elsewhere).statusCode()).isEqualTo(401);
            }
        }
        var owner = gateway.login("admin", ADMIN_PASSWORD, newAddress());
        assertThat(owner.statusCode()).as(owner.body()).isEqualTo(200);
        assertTooMany(gateway.login("admin", ADMIN_PASSWORD, guesser));
    }

    @Test
    void signInIsLimitedPerAddress() {
        var address = newAddress();
        for (int i = 0; i < PER_IP; i++) {
            assertThat(gateway.login(unique("ghost"), "wrong password", address).statusCode()).isEqualTo(401);
        }
        var user = member();
        assertTooMany(gateway.login(user, PASSWORD, address));
        assertThat(gateway.login(user, PASSWORD, newAddress()).statusCode()).isEqualTo(200);
    }

    @Test
    void successfulSignInsDoNotCountAgainstTheLimits() {
        var user = member();
        var address = newAddress();
        for (int i = 0; i < PER_IP + 2; i++) {
            assertThat(gateway.login(user, PASSWORD, address).statusCode()).isEqualTo(200);
        }
    }

    private static void assertTooMany(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(json(response).get("type").asString()).isEqualTo("/problems/too-many-sign-in-attempts");
        var retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 600L);
    }

    @Test
    void apiKeysAreShownOnceListedWithoutSecretsUsableAndRevocable() {
        var user = member();
        var session = gateway.token(user, PASSWORD);
        var created = gateway.call("POST", "/api/keys", "{\"name\":\"nightly batch\"}", "Authorization", "Bearer " + session);
        assertThat(created.statusCode()).isEqualTo(201);
        var key = json(created).get("key").asString();
        var id = json(created).get("id").asString();
        assertThat(key).startsWith("dsy_" + id + "_");
        assertThat(created.headers().firstValue("Location")).contains("/api/keys/" + id);
        var secret = key.substring(key.lastIndexOf('_') + 1);

        var list = gateway.call("GET", "/api/keys", null, "Authorization", "Bearer " + session);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(secret).doesNotContain("\"key\"");
        var listed = json(list).get(0);
        assertThat(listed.get("id").asString()).isEqualTo(id);
        assertThat(listed.get("name").asString()).isEqualTo("nightly batch");
        assertThat(listed.get("createdAt").asString()).isNotBlank();

        // a program uses it as a Bearer token or as X-API-Key, as its owner
        var asBearer = me(key);
        assertThat(asBearer.statusCode()).isEqualTo(200);
        assertThat(json(asBearer).get("username").asString()).isEqualTo(user);
        assertThat(json(asBearer).get("authenticatedBy").asString()).isEqualTo("api-key");
        assertThat(gateway.call("GET", "/api/auth/me", null, "X-API-Key", key).statusCode()).isEqualTo(200);
        // state changes need no CSRF token with a key
        assertThat(gateway.call("POST", "/api/auth/logout", null, "X-API-Key", key).statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                json(gateway.call("GET", "/api/keys", null, "Authorization", "Bearer " + session)).get(0).get("lastUsedAt").isNull())
                .isFalse());

        // a key cannot mint more keys (a leaked key must not outlive its revocation)
        var byKey = gateway.call("POST", "/api/keys", "{\"name\":\"child\"}", "Authorization", "Bearer " + key);
        assertThat(byKey.statusCode()).isEqualTo(403);
        assertThat(json(byKey).get("type").asString()).isEqualTo("/problems/forbidden");

        var tampered = key.substring(0, key.length() - 2) + (key.endsWith("AA") ? "BB" : "AA");
        assertUnauthorized(me(tampered), "API key");
        assertUnauthorized(gateway.call("GET", "/api/auth/me", null, "X-API-Key", "not-a-key"), "API key");

        // someone else's key id is not found
        var other = gateway.token(member(), PASSWORD);
        assertThat(gateway.call("DELETE", "/api/keys/" + id, null, "Authorization", "Bearer " + other).statusCode()).isEqualTo(404);

        assertThat(gateway.call("DELETE", "/api/keys/" + id, null, "Authorization", "Bearer " + session).statusCode()).isEqualTo(204);
        assertUnauthorized(me(key), "API key");
        assertThat(gateway.call("DELETE", "/api/keys/" + id, null, "Authorization", "Bearer " + session).statusCode()).isEqualTo(404);
        assertThat(json(gateway.call("GET", "/api/keys", null, "Authorization", "Bearer " + session)).size()).isZero();
    }

    @Test
    void aHalfSpentSessionIsRenewed() {
        var user = member();
        var fresh = gateway.token(user, PASSWORD);
        assertThat(me(fresh).headers().firstValue(Sessions.RENEWED_TOKEN_HEADER)).isEmpty();

        var now = Instant.now();
        var oldExpiry = now.plusSeconds(600);
        var halfSpent = mint(AuthTestGateway.SECRET, user, "member", 0, "s-" + UUID.randomUUID(), now.minusSeconds(1200),
                now.minusSeconds(1200), oldExpiry);
        var response = me(halfSpent);
        assertThat(response.statusCode()).isEqualTo(200);
        var renewed = response.headers().firstValue(Sessions.RENEWED_TOKEN_HEADER).orElseThrow();
        var expires = Instant.parse(response.headers().firstValue(Sessions.EXPIRES_HEADER).orElseThrow());
        assertThat(expires).isAfter(oldExpiry.plusSeconds(600));
        assertThat(me(renewed).statusCode()).isEqualTo(200);
        assertThat(me(renewed).headers().firstValue(Sessions.RENEWED_TOKEN_HEADER)).isEmpty();

        // a browser gets the renewed token as a new cookie
        var viaCookie = gateway.call("GET", "/api/auth/me", null, "Cookie", "DESAYRE_SESSION=" + halfSpent);
        var cookie = AuthTestGateway.setCookieHeaders(viaCookie, SecurityConfiguration.SESSION_COOKIE);
        assertThat(cookie).singleElement().satisfies(c -> assertThat(c).contains("HttpOnly").contains("SameSite=Lax"));
        assertThat(viaCookie.headers().firstValue(Sessions.RENEWED_TOKEN_HEADER)).isEmpty();

        // never past the session's maximum age from sign-in (12 h by default)
        var tooOld = mint(AuthTestGateway.SECRET, user, "member", 0, "s-" + UUID.randomUUID(), now.minus(Duration.ofHours(12)),
                now.minusSeconds(1200), now.plusSeconds(600));
        assertThat(me(tooOld).headers().firstValue(Sessions.RENEWED_TOKEN_HEADER)).isEmpty();
    }

    @Test
    void changingOnesPasswordEndsOtherSessionsAndKeepsThisOne() {
        var user = member();
        var first = gateway.token(user, PASSWORD);
        var second = gateway.token(user, PASSWORD);
        var next = "my brand new passphrase";

        var wrong = gateway.call("POST", "/api/auth/password", "{\"currentPassword\":\"nope nope nope\",\"newPassword\":\"" + next + "\"}",
                "Authorization", "Bearer " + first);
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(json(wrong).get("errors").get(0).get("field").asString()).isEqualTo("currentPassword");
        var weak = gateway.call("POST", "/api/auth/password", "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"short\"}",
                "Authorization", "Bearer " + first);
        assertThat(weak.statusCode()).isEqualTo(400);
        assertThat(json(weak).get("errors").get(0).get("field").asString()).isEqualTo("newPassword");

        var changed = gateway.call("POST", "/api/auth/password", "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"" + next + "\"}",
                "Authorization", "Bearer " + first);
        assertThat(changed.statusCode()).isEqualTo(200);
        var third = json(changed).get("token").asString();
        assertThat(me(third).statusCode()).isEqualTo(200);
        assertUnauthorized(me(first), "password changed");
        assertUnauthorized(me(second), "password changed");
        assertThat(gateway.login(user, PASSWORD, newAddress()).statusCode()).isEqualTo(401);
        assertThat(gateway.login(user, next, newAddress()).statusCode()).isEqualTo(200);
    }

    @Test
    void aUsernameWithAControlCharacterIsAFieldErrorNotAFailedSignIn() {
        for (var username : java.util.List.of("adm\\u0000in", "admin\\u001b[31m", "admin\\n")) {
            var response = gateway.call("POST", "/api/auth/login", "{\"username\":\"" + username + "\",\"password\":\"x\"}",
                    "X-Forwarded-For", AuthTestGateway.newAddress());
            assertThat(response.statusCode()).as(username).isEqualTo(400);
            assertThat(json(response).get("errors").get(0).get("field").asString()).isEqualTo("username");
        }
    }

    @Test
    void theLoginAnswerCarriesTheSessionCookieFirstAndNeedsNoCsrfToken() {
        var user = member();
        // even with a stale session cookie and no CSRF header, sign-in works (curl, scripts)
        var login = gateway.call("POST", "/api/auth/login", "{\"username\":\"" + user.toUpperCase() + "\",\"password\":\"" + PASSWORD + "\"}",
                "X-Forwarded-For", newAddress(), "Cookie", "DESAYRE_SESSION=stale");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.headers().firstValue("Set-Cookie").orElseThrow()).startsWith("DESAYRE_SESSION=").contains("HttpOnly")
                .contains("SameSite=Lax");
        var body = json(login);
        assertThat(body.get("tokenType").asString()).isEqualTo("Bearer");
        assertThat(body.get("user").get("username").asString()).isEqualTo(user);
        assertThat(body.get("user").get("role").asString()).isEqualTo("member");
        var expiresAt = Instant.parse(body.get("expiresAt").asString());
        assertThat(expiresAt).isBetween(Instant.now().plusSeconds(25 * 60), Instant.now().plusSeconds(31 * 60));
    }

    private static HttpResponse<String> sessions(String bearer) {
        return gateway.call("GET", "/api/auth/sessions", null, "Authorization", "Bearer " + bearer);
    }

    private static String signIn(String username, String userAgent) {
        var login = gateway.call("POST", "/api/auth/login", "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}",
                "X-Forwarded-For", newAddress(), "User-Agent", userAgent);
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        return json(login).get("token").asString();
    }

    private static String sid(String token) {
        var payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return AuthTestGateway.JSON.readTree(payload).get("sid").asString();
    }

    @Test
    void openSessionsAreListedAndOneEndedFromAnotherStopsAtOnce() {
        var user = member();
        var laptop = signIn(user, "Firefox on the laptop");
        var phone = signIn(user, "Safari on the phone " + "x".repeat(400));
        var listed = json(sessions(laptop));
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).get("userAgent").asString()).startsWith("Safari on the phone").hasSize(SessionLog.MAX_USER_AGENT);
        assertThat(listed.get(0).get("current").asBoolean()).isFalse();
        assertThat(listed.get(1).get("current").asBoolean()).isTrue();
        assertThat(listed.get(1).get("id").asString()).isEqualTo(sid(laptop));
        assertThat(listed.get(1).has("lastSeenAt")).isTrue();

        // another user cannot see or end them: their id is not theirs
        var other = member();
        var stranger = gateway.token(other, PASSWORD);
        assertThat(json(sessions(stranger))).hasSize(1);
        assertThat(gateway.call("DELETE", "/api/auth/sessions/" + sid(phone), null, "Authorization", "Bearer " + stranger).statusCode())
                .isEqualTo(404);
        assertThat(me(phone).statusCode()).isEqualTo(200);

        var ended = gateway.call("DELETE", "/api/auth/sessions/" + sid(phone), null, "Authorization", "Bearer " + laptop);
        assertThat(ended.statusCode()).isEqualTo(204);
        assertUnauthorized(me(phone), "signed out");
        assertThat(json(sessions(laptop))).hasSize(1);
        var again = gateway.call("DELETE", "/api/auth/sessions/" + sid(phone), null, "Authorization", "Bearer " + laptop);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(json(again).get("type").asString()).isEqualTo("/problems/not-found");
    }

    @Test
    void endingTheOtherSessionsKeepsThisOneAndAPasswordChangeLeavesOnlyItsOwn() {
        var user = member();
        var here = signIn(user, "here");
        var first = signIn(user, "elsewhere 1");
        var second = signIn(user, "elsewhere 2");
        var key = json(gateway.call("POST", "/api/keys", "{\"name\":\"script\"}", "Authorization", "Bearer " + here)).get("key").asString();
        // an API key does not manage sessions (a leaked key must not sign its owner out)
        var byKey = gateway.call("POST", "/api/auth/sessions/end-others", null, "Authorization", "Bearer " + key);
        assertThat(byKey.statusCode()).isEqualTo(403);
        assertThat(gateway.call("GET", "/api/auth/sessions", null, "X-API-Key", key).statusCode()).isEqualTo(403);

        var ended = gateway.call("POST", "/api/auth/sessions/end-others", null, "Authorization", "Bearer " + here);
        assertThat(ended.statusCode()).isEqualTo(200);
        assertThat(json(ended).get("ended").asLong()).isEqualTo(2);
        assertUnauthorized(me(first), "signed out");
        assertUnauthorized(me(second), "signed out");
        assertThat(me(here).statusCode()).isEqualTo(200);

        signIn(user, "one more");
        var changed = gateway.call("POST", "/api/auth/password",
                "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"" + PASSWORD + " again\"}", "Authorization", "Bearer " + here);
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        var fresh = json(changed).get("token").asString();
        var listed = json(sessions(fresh));
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("id").asString()).isEqualTo(sid(fresh));
    }

    @Test
    void preferencesAreEachUsersOwn() {
        var user = member();
        var token = gateway.token(user, PASSWORD);
        var none = json(gateway.call("GET", "/api/preferences", null, "Authorization", "Bearer " + token));
        assertThat(none.get("theme").isNull()).isTrue();
        var saved = gateway.call("PUT", "/api/preferences", "{\"theme\":\"light\",\"aspectRatio\":\"16:9\",\"lane\":\"batch\","
                + "\"enhance\":false,\"notifications\":true}", "Authorization", "Bearer " + token);
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        var read = json(gateway.call("GET", "/api/preferences", null, "Authorization", "Bearer " + token));
        assertThat(read.get("theme").asString()).isEqualTo("light");
        assertThat(read.get("aspectRatio").asString()).isEqualTo("16:9");
        assertThat(read.get("lane").asString()).isEqualTo("batch");
        assertThat(read.get("enhance").asBoolean()).isFalse();
        assertThat(read.get("styleProfile").isNull()).isTrue();
        var replaced = gateway.call("PUT", "/api/preferences", "{\"theme\":\"dark\"}", "Authorization", "Bearer " + token);
        assertThat(json(replaced).get("lane").isNull()).isTrue();
        assertThat(json(gateway.call("GET", "/api/preferences", null, "Authorization", "Bearer " + token)).get("lane").isNull()).isTrue();

        var other = gateway.token(member(), PASSWORD);
        assertThat(json(gateway.call("GET", "/api/preferences", null, "Authorization", "Bearer " + other)).get("theme").isNull()).isTrue();
    }
}
