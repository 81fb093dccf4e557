package com.desayre.gateway.accounts;

import com.desayre.gateway.web.ApiProblem;
import com.desayre.gateway.web.ProblemFallback;
import com.desayre.gateway.web.ProblemResponses;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter;
import org.springframework.security.web.server.header.XFrameOptionsServerHttpHeadersWriter;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * The gateway is an OAuth2 resource server for its own HS256 session tokens and for personal
 * API keys ({@link Authenticator}): a browser sends the session in an HTTP-only cookie, a
 * program a Bearer header (session token or {@code dsy_…} key) or {@code X-API-Key}.
 *
 * <p>Cookie-authenticated state changes need the double-submit CSRF token: the readable
 * {@value #CSRF_COOKIE} cookie echoed in the {@value #CSRF_HEADER} header. Bearer and API-key
 * requests are exempt (a browser never adds those headers on its own), and so is sign-in.
 * Session tokens are renewed on the way through once half-spent ({@link Sessions}).
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {
    /** The queue endpoints: the only ones the worker secret may call. */
    static final String[] WORKER_PATHS = {"/api/worker", "/api/admin/queues", "/api/admin/queues/**"};

    static boolean isWorkerPath(String path) {
        return path.equals("/api/worker") || path.equals("/api/admin/queues") || path.startsWith("/api/admin/queues/");
    }

    public static final String SESSION_COOKIE = "DESAYRE_SESSION";
    public static final String CSRF_COOKIE = "XSRF-TOKEN";
    static final String CSRF_HEADER = "X-XSRF-TOKEN";
    static final String LOGIN_PATH = "/api/auth/login";
    static final String LOGOUT_PATH = "/api/auth/logout";
    static final String PASSWORD_PATH = "/api/auth/password";
    static final String SESSIONS_PATH = "/api/auth/sessions";

    /** Every answer's; checked by BrowserHardeningIT. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Bean
    SecretKey jwtKey(AuthSettings settings) {
        return new SecretKeySpec(settings.jwtSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /**
     * HS256 only (so {@code alg: none} and other algorithms are refused), not expired (60 s skew),
     * and every claim a session token carries, within a session's lifetime ({@link SessionTokenRules}):
     * a correctly signed token that breaks any of these is a 401, never taken as valid for ever. A token that passed is
     * not checked again until it would stop passing ({@link VerifiedSessionTokens}).
     */
    @Bean
    ReactiveJwtDecoder jwtDecoder(SecretKey jwtKey, AuthSettings settings) {
        var decoder = NimbusReactiveJwtDecoder.withSecretKey(jwtKey).macAlgorithm(MacAlgorithm.HS256).build();
        var claimTypes = MappedJwtClaimSetConverter.withDefaults(Map.of());
        decoder.setClaimSetConverter(claims -> {
            var mapped = new HashMap<>(claimTypes.convert(claims));
            if (claims.get(JwtClaimNames.IAT) == null) {
                // the default converter makes up iat = exp - 1 s; a token must carry its own for the check below
                mapped.remove(JwtClaimNames.IAT);
            }
            return mapped;
        });
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefault(),
                new SessionTokenRules(settings.sessionTtl(), settings.sessionMaxAge(), Clock.systemUTC())));
        return new VerifiedSessionTokens(decoder, settings.sessionMaxAge(), Clock.systemUTC());
    }

    /**
     * A request the security firewall refuses before any filter (an encoded slash, backslash or NUL, a {@code ;}, a
     * {@code ..} segment in the path…) answers problem+json like every other refusal, not an empty 400.
     */
    /**
     * Spring Security's own observations off: by default it times and (with tracing) spans every filter of the chain,
     * every authentication and every authorization of every request — about a tenth of the generation path's event-loop
     * CPU in a profile (docs/performance.md, "Gateway"). The HTTP server's observation of each request stays.
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    ServerExchangeRejectedHandler exchangeRejectedHandler() {
        return (exchange, rejected) -> ProblemFallback.rejected(exchange, rejected);
    }

    @Bean
    JwtEncoder jwtEncoder(SecretKey jwtKey) {
        return new NimbusJwtEncoder(new ImmutableSecret<>(jwtKey));
    }

    @Bean
    BCryptPasswordEncoder passwordEncoder(AuthSettings settings) {
        return new BCryptPasswordEncoder(settings.bcryptStrength());
    }

    @Bean
    SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, Authenticator authenticator, Sessions sessions, AuthSettings settings,
                                       SessionLog sessionLog) {
        ServerAuthenticationEntryPoint unauthenticated = (exchange, e) -> unauthenticated(exchange, e, sessions);
        ServerAccessDeniedHandler denied = (exchange, e) -> ProblemResponses.write(exchange, HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
                forbiddenDetail(exchange), Map.of());
        ServerAccessDeniedHandler csrfDenied = (exchange, e) -> ProblemResponses.write(exchange, HttpStatus.FORBIDDEN, "csrf",
                "CSRF token missing or wrong",
                "A request signed in by the session cookie that changes something must echo the " + CSRF_COOKIE + " cookie in an "
                        + CSRF_HEADER + " header (any signed-in GET sets the cookie). Programs: send 'Authorization: Bearer' instead.",
                Map.of());

        var csrfTokens = csrfCookies(sessions);

        return http
                .csrf(csrf -> csrf
                        .csrfTokenRepository(csrfTokens)
                        // plain double-submit: the header carries the cookie's value as is (what SPAs send)
                        .csrfTokenRequestHandler(new ServerCsrfTokenRequestAttributeHandler())
                        .requireCsrfProtectionMatcher(PresentedCredentials.csrfRequired())
                        .accessDeniedHandler(csrfDenied))
                .addFilterAfter(issueCsrfCookie(), SecurityWebFiltersOrder.CSRF)
                .addFilterAfter(renewSessions(sessions, sessionLog), SecurityWebFiltersOrder.AUTHENTICATION)
                .headers(headers -> headers
                        // the studio loads only its own files (no inline script: studio.js wires every handler); nothing
                        // may frame it; styles may be inline for Swagger UI, which sets some
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy.NO_REFERRER))
                        .frameOptions(frames -> frames.mode(XFrameOptionsServerHttpHeadersWriter.Mode.DENY)))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .authorizeExchange(auth -> auth
                        .pathMatchers(HttpMethod.POST, LOGIN_PATH).permitAll()
                        // health is open (details only for admins, management.endpoint.health.show-details); metrics
                        // and every other Actuator endpoint are for admins only
                        .pathMatchers("/actuator/health/**", "/actuator/health", "/problems/**").permitAll()
                        .pathMatchers("/actuator/**").hasAuthority(DesayreAuthentication.ROLE_ADMIN)
                        // the queue endpoints: admins, or automation with WORKER_SECRET (which opens nothing else)
                        .pathMatchers(WORKER_PATHS).hasAnyAuthority(DesayreAuthentication.ROLE_ADMIN,
                                DesayreAuthentication.WORKER_SECRET)
                        .pathMatchers("/api/admin/**").hasRole("ADMIN")
                        .pathMatchers("/api/keys", "/api/keys/**", PASSWORD_PATH, SESSIONS_PATH, SESSIONS_PATH + "/**").hasAuthority(DesayreAuthentication.SESSION)
                        .pathMatchers("/api/**").hasAnyAuthority(DesayreAuthentication.ROLE_ADMIN,
                                DesayreAuthentication.ROLE_MEMBER)
                        .anyExchange().permitAll())
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthenticated).accessDeniedHandler(denied))
                .oauth2ResourceServer(oauth -> oauth
                        .bearerTokenConverter(PresentedCredentials.converter())
                        .authenticationManagerResolver(exchange -> Mono.just(authenticator))
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(denied))
                .build();
    }

    /**
     * The readable CSRF cookie (the studio's script echoes it), SameSite=Lax, and {@code Secure} exactly when the session
     * cookie is: over HTTPS, per X-Forwarded-Proto from a trusted proxy, or when configured ({@link Sessions#secure}).
     * Spring's repository alone looks only at the TLS of the connection, which a proxy ends.
     */
    private static ServerCsrfTokenRepository csrfCookies(Sessions sessions) {
        var plain = csrfCookie(false);
        var secure = csrfCookie(true);
        return new ServerCsrfTokenRepository() {
            @Override
            public Mono<CsrfToken> generateToken(ServerWebExchange exchange) {
                return plain.generateToken(exchange);
            }

            @Override
            public Mono<Void> saveToken(ServerWebExchange exchange, CsrfToken token) {
                return (sessions.secure(exchange) ? secure : plain).saveToken(exchange, token);
            }

            @Override
            public Mono<CsrfToken> loadToken(ServerWebExchange exchange) {
                return plain.loadToken(exchange);
            }
        };
    }

    private static CookieServerCsrfTokenRepository csrfCookie(boolean secure) {
        var cookies = CookieServerCsrfTokenRepository.withHttpOnlyFalse();
        cookies.setCookieName(CSRF_COOKIE);
        cookies.setHeaderName(CSRF_HEADER);
        cookies.setCookiePath("/");
        cookies.setCookieCustomizer(cookie -> cookie.sameSite("Lax").secure(secure));
        return cookies;
    }

    /**
     * Makes sure a cookie-signed-in browser (and every sign-in answer) has the readable CSRF
     * cookie: the token is created lazily, so subscribe to it.
     */
    private static WebFilter issueCsrfCookie() {
        return (exchange, chain) -> {
            Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
            if (token != null && (PresentedCredentials.isLogin(exchange)
                    || PresentedCredentials.source(exchange.getRequest()) == PresentedCredentials.Source.COOKIE)) {
                return token.then(Mono.defer(() -> chain.filter(exchange)));
            }
            return chain.filter(exchange);
        };
    }

    /**
     * Sliding renewal: a fresh token once more than half of the presented one's life has passed. Each session request also
     * tells the session list when it was last seen (at most once a minute, off the request's path).
     */
    private static WebFilter renewSessions(Sessions sessions, SessionLog sessionLog) {
        return (exchange, chain) -> {
            var path = exchange.getRequest().getPath().pathWithinApplication().value();
            if (path.equals(LOGOUT_PATH) || path.equals(PASSWORD_PATH)) {
                return chain.filter(exchange);
            }
            return ReactiveSecurityContextHolder.getContext()
                    .map(SecurityContext::getAuthentication)
                    .filter(DesayreAuthentication.class::isInstance)
                    .cast(DesayreAuthentication.class)
                    .filter(auth -> auth.kind() == DesayreAuthentication.Kind.SESSION)
                    .doOnNext(auth -> sessionLog.seen(auth.sessionToken().getClaimAsString(Sessions.SESSION_ID),
                            auth.sessionToken().getExpiresAt()))
                    .doOnNext(auth -> sessions.renewal(auth.sessionToken(), auth.role()).ifPresent(renewed -> {
                        sessionLog.renewed(renewed.sessionId(), renewed.expiresAt());
                        var headers = exchange.getResponse().getHeaders();
                        if (PresentedCredentials.source(exchange.getRequest()) == PresentedCredentials.Source.COOKIE) {
                            headers.add(HttpHeaders.SET_COOKIE, sessions.cookie(exchange, renewed).toString());
                        } else {
                            headers.set(Sessions.RENEWED_TOKEN_HEADER, renewed.token());
                        }
                        headers.set(Sessions.EXPIRES_HEADER, renewed.expiresAt().toString());
                    }))
                    .then(Mono.defer(() -> chain.filter(exchange)));
        };
    }

    private static Mono<Void> unauthenticated(ServerWebExchange exchange, Exception e, Sessions sessions) {
        if (e instanceof AuthRejected rejected && rejected.reason() == AuthRejected.Reason.UNAVAILABLE) {
            // logged where it happened, once an outage (Authenticator; stale revocations: Revocations)
            return ProblemResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, ApiProblem.KAFKA_UNAVAILABLE, "Service unavailable",
                    rejected.detail(), Map.of(HttpHeaders.RETRY_AFTER, "5"));
        }
        String detail;
        if (e instanceof AuthRejected rejected) {
            detail = rejected.detail();
        } else if (e instanceof OAuth2AuthenticationException) {
            detail = AuthRejected.Reason.INVALID.detail;
        } else {
            detail = "This needs a signed-in user: POST /api/auth/login, then send the token as 'Authorization: Bearer <token>' "
                    + "or keep the session cookie; programs may send a personal API key instead.";
        }
        var headers = new LinkedHashMap<String, String>();
        var presented = PresentedCredentials.source(exchange.getRequest());
        headers.put(HttpHeaders.WWW_AUTHENTICATE, presented == PresentedCredentials.Source.NONE ? "Bearer realm=\"desayre\""
                : "Bearer realm=\"desayre\", error=\"invalid_token\"");
        if (presented == PresentedCredentials.Source.COOKIE) {
            // the browser holds a dead session: drop it
            headers.put(HttpHeaders.SET_COOKIE, sessions.expiredCookie(exchange).toString());
        }
        return ProblemResponses.write(exchange, HttpStatus.UNAUTHORIZED, ApiProblem.UNAUTHORIZED, "Sign in required", detail, headers);
    }

    private static String forbiddenDetail(ServerWebExchange exchange) {
        var path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (isWorkerPath(path)) {
            return "The queue endpoints need the admin role, or the worker secret (WORKER_SECRET) for automation.";
        }
        if (PresentedCredentials.source(exchange.getRequest()) == PresentedCredentials.Source.WORKER_SECRET) {
            return "The worker secret opens only the queue endpoints (/api/worker, /api/admin/queues).";
        }
        if (path.startsWith("/api/admin/")) {
            return "This needs the admin role.";
        }
        if (path.equals("/api/keys") || path.startsWith("/api/keys/") || path.equals(PASSWORD_PATH)
                || path.equals(SESSIONS_PATH) || path.startsWith(SESSIONS_PATH + "/")) {
            return "API keys, passwords and sessions are managed from a signed-in session (POST /api/auth/login), not with an API key.";
        }
        return "Your account may not do this.";
    }
}
