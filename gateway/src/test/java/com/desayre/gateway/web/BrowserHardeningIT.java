package com.desayre.gateway.web;

import static com.desayre.gateway.AuthTestGateway.json;
import static com.desayre.gateway.AuthTestGateway.newAddress;
import static com.desayre.gateway.AuthTestGateway.setCookieHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.gateway.AuthTestGateway;
import com.desayre.gateway.accounts.SecurityConfiguration;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a browser is told: the studio page, an API answer and a sign-in answer each carry a
 * Content-Security-Policy without inline script and with {@code frame-ancestors 'none'},
 * {@code X-Content-Type-Options: nosniff}, {@code X-Frame-Options: DENY} and a Referrer-Policy; the
 * session cookie is HTTP-only, SameSite and (over HTTPS) Secure; and the studio's own files hold no
 * inline script or handler, so the policy does not break it.
 */
class BrowserHardeningIT {
    private static final String ADMIN_PASSWORD = "the browser admin's passphrase";
    private static AuthTestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = new AuthTestGateway(Map.of("desayre.auth.admin-password", ADMIN_PASSWORD));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theStudioPageAnApiAnswerAndASignInAnswerCarryTheBrowserHeaders() {
        var page = gateway.call("GET", "/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("studio.js");
        var login = gateway.login("admin", ADMIN_PASSWORD, newAddress());
        assertThat(login.statusCode()).isEqualTo(200);
        var token = json(login).get("token").asString();
        var api = gateway.call("GET", "/api/auth/me", null, "Authorization", "Bearer " + token);
        assertThat(api.statusCode()).isEqualTo(200);
        var refused = gateway.call("GET", "/api/auth/me", null);
        assertThat(refused.statusCode()).isEqualTo(401);

        for (var response : new HttpResponse<?>[] {page, login, api, refused}) {
            var csp = response.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).contains("default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'",
                    "frame-ancestors 'none'");
            var scripts = csp.replaceAll(".*script-src([^;]*).*", "$1");
            assertThat(scripts).doesNotContain("unsafe-inline", "unsafe-eval", "*");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        }
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteAndSecureOverHttps() {
        var plain = gateway.login("admin", ADMIN_PASSWORD, newAddress());
        var session = setCookieHeaders(plain, SecurityConfiguration.SESSION_COOKIE);
        assertThat(session).singleElement().satisfies(cookie -> assertThat(cookie).contains("HttpOnly", "SameSite=Lax", "Path=/")
                .doesNotContain("Secure"));
        // the CSRF cookie must be readable by the studio's script (double submit), and is SameSite too
        assertThat(setCookieHeaders(plain, SecurityConfiguration.CSRF_COOKIE)).singleElement()
                .satisfies(cookie -> assertThat(cookie).contains("SameSite=Lax").doesNotContain("HttpOnly"));

        // behind a TLS proxy (X-Forwarded-Proto, trusted here: server.forward-headers-strategy=framework)
        var https = gateway.call("POST", "/api/auth/login", "{\"username\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}",
                "X-Forwarded-For", newAddress(), "X-Forwarded-Proto", "https");
        assertThat(https.statusCode()).isEqualTo(200);
        assertThat(setCookieHeaders(https, SecurityConfiguration.SESSION_COOKIE)).singleElement()
                .satisfies(cookie -> assertThat(cookie).contains("HttpOnly", "SameSite=Lax", "Secure"));
        assertThat(setCookieHeaders(https, SecurityConfiguration.CSRF_COOKIE)).singleElement()
                .satisfies(cookie -> assertThat(cookie).contains("Secure"));
    }

    @Test
    void theStudioHoldsNoInlineScriptOrHandler() {
        var page = gateway.call("GET", "/", null).body();
        // every <script> has a src and an empty body; no on…= handler and no javascript: URL anywhere
        var scripts = Pattern.compile("<script\\b([^>]*)>(.*?)</script>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE).matcher(page);
        int count = 0;
        while (scripts.find()) {
            count++;
            assertThat(scripts.group(1)).contains("src=");
            assertThat(scripts.group(2)).isBlank();
        }
        assertThat(count).isPositive();
        assertThat(page).doesNotContainPattern("(?i)\\son[a-z]+\\s*=").doesNotContainIgnoringCase("javascript:");
        var script = gateway.call("GET", "/studio.js", null);
        assertThat(script.statusCode()).isEqualTo(200);
        // no eval-like constructs the policy would block
        assertThat(script.body()).doesNotContain("eval(", "new Function(", "setAttribute(\"on", ".innerHTML =");
    }
}
