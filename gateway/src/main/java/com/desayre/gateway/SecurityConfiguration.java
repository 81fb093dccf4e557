package com.desayre.gateway;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway is an OAuth2 resource server for its own HS256 session tokens: a browser sends
 * the token in an HTTP-only cookie, a program as a Bearer header.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {
    static final String SESSION_COOKIE = "DESAYRE_SESSION";
    static final String LOGIN_PATH = "/api/auth/login";

    @Bean
    SecretKey jwtKey(AuthSettings settings) {
        return new SecretKeySpec(settings.jwtSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    @Bean
    ReactiveJwtDecoder jwtDecoder(SecretKey jwtKey) {
        return NimbusReactiveJwtDecoder.withSecretKey(jwtKey).macAlgorithm(MacAlgorithm.HS256).build();
    }

    @Bean
    JwtEncoder jwtEncoder(SecretKey jwtKey) {
        return new NimbusJwtEncoder(new ImmutableSecret<>(jwtKey));
    }

    @Bean
    BCryptPasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    SecurityWebFilterChain apiSecurity(ServerHttpSecurity http) {
        var json = JsonMapper.builder().build();
        ServerAuthenticationEntryPoint unauthenticated = (exchange, e) -> writeProblem(exchange, json,
                HttpStatus.UNAUTHORIZED, ApiProblem.UNAUTHORIZED, "Sign in required",
                "This needs a signed-in user: POST /api/auth/login, then send the token as 'Authorization: Bearer <token>' "
                        + "or keep the session cookie.");
        ServerAccessDeniedHandler denied = (exchange, e) -> writeProblem(exchange, json, HttpStatus.FORBIDDEN,
                "forbidden", "Forbidden", "Your account may not do this.");
        return http
                // session cookies are SameSite=Lax and every state change is a JSON POST; a token-based
                // CSRF defence for cookie sessions comes with the full accounts work
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .authorizeExchange(auth -> auth
                        .pathMatchers(HttpMethod.POST, LOGIN_PATH).permitAll()
                        .pathMatchers("/actuator/health/**", "/actuator/health", "/actuator/prometheus", "/problems/**").permitAll()
                        .pathMatchers("/api/**", "/actuator/**").authenticated()
                        .anyExchange().permitAll())
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthenticated).accessDeniedHandler(denied))
                .oauth2ResourceServer(oauth -> oauth
                        .bearerTokenConverter(headerOrCookie())
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(denied)
                        .jwt(jwt -> { }))
                .build();
    }

    /** Bearer header first, then the session cookie; never on the login call, so a stale cookie can't block signing in. */
    private static ServerAuthenticationConverter headerOrCookie() {
        var header = new ServerBearerTokenAuthenticationConverter();
        return exchange -> {
            if (exchange.getRequest().getPath().value().equals(LOGIN_PATH)) {
                return Mono.empty();
            }
            return header.convert(exchange).switchIfEmpty(Mono.defer(() -> {
                var cookie = exchange.getRequest().getCookies().getFirst(SESSION_COOKIE);
                return cookie == null || cookie.getValue().isBlank()
                        ? Mono.empty()
                        : Mono.just(new BearerTokenAuthenticationToken(cookie.getValue()));
            }));
        };
    }

    private static Mono<Void> writeProblem(ServerWebExchange exchange, JsonMapper json, HttpStatus status, String type,
                                           String title, String detail) {
        var response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        var body = json.writeValueAsBytes(Map.of("type", "/problems/" + type, "title", title, "status", status.value(),
                "detail", detail, "instance", exchange.getRequest().getPath().value()));
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
