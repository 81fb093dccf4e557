package com.desayre.gateway.accounts;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Where a request's credential comes from, decided in one place so that authentication and
 * the CSRF check always agree: {@code Authorization: Bearer …} (a session JWT or an API key)
 * first, then {@code X-API-Key}, then the session cookie. Only the cookie is sent by a browser
 * on its own, so only cookie-authenticated state changes need a CSRF token.
 */
public final class PresentedCredentials {
    static final String API_KEY_HEADER = "X-API-Key";
    public static final String WORKER_SECRET_HEADER = "X-Worker-Secret";

    enum Source { BEARER, WORKER_SECRET, API_KEY, COOKIE, NONE }

    private static final ServerBearerTokenAuthenticationConverter BEARER = new ServerBearerTokenAuthenticationConverter();

    static Source source(ServerHttpRequest request) {
        var authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Source.BEARER;
        }
        var workerSecret = request.getHeaders().getFirst(WORKER_SECRET_HEADER);
        if (workerSecret != null && !workerSecret.isBlank()) {
            return Source.WORKER_SECRET;
        }
        var apiKey = request.getHeaders().getFirst(API_KEY_HEADER);
        if (apiKey != null && !apiKey.isBlank()) {
            return Source.API_KEY;
        }
        var cookie = request.getCookies().getFirst(SecurityConfiguration.SESSION_COOKIE);
        return cookie != null && !cookie.getValue().isBlank() ? Source.COOKIE : Source.NONE;
    }

    /** The credential to authenticate, for API and actuator paths; never on the login call, so a stale cookie can't block signing in. */
    static ServerAuthenticationConverter converter() {
        return exchange -> {
            var request = exchange.getRequest();
            var path = request.getPath().pathWithinApplication().value();
            if (isLogin(exchange) || !(path.startsWith("/api/") || path.startsWith("/actuator/"))) {
                return Mono.empty();
            }
            return switch (source(request)) {
                case BEARER -> BEARER.convert(exchange);
                case WORKER_SECRET -> Mono.just(new WorkerSecretToken(request.getHeaders().getFirst(WORKER_SECRET_HEADER).strip()));
                case API_KEY -> {
                    var key = request.getHeaders().getFirst(API_KEY_HEADER).strip();
                    yield ApiKeyOwners.looksLikeKey(key) ? Mono.just(new BearerTokenAuthenticationToken(key))
                            : Mono.error(new AuthRejected(AuthRejected.Reason.BAD_API_KEY));
                }
                case COOKIE -> Mono.just(new BearerTokenAuthenticationToken(
                        request.getCookies().getFirst(SecurityConfiguration.SESSION_COOKIE).getValue()));
                case NONE -> Mono.empty();
            };
        };
    }

    /** State-changing requests authenticated by the session cookie, except sign-in itself. */
    static ServerWebExchangeMatcher csrfRequired() {
        return exchange -> {
            var method = exchange.getRequest().getMethod();
            var safe = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)
                    || HttpMethod.TRACE.equals(method);
            return !safe && !isLogin(exchange) && source(exchange.getRequest()) == Source.COOKIE
                    ? ServerWebExchangeMatcher.MatchResult.match()
                    : ServerWebExchangeMatcher.MatchResult.notMatch();
        };
    }

    /** A credential sent as {@value #WORKER_SECRET_HEADER}: only ever the worker secret, never a session or key. */
    static final class WorkerSecretToken extends BearerTokenAuthenticationToken {
        WorkerSecretToken(String secret) {
            super(secret);
        }
    }

    static boolean isLogin(ServerWebExchange exchange) {
        return HttpMethod.POST.equals(exchange.getRequest().getMethod())
                && exchange.getRequest().getPath().pathWithinApplication().value().equals(SecurityConfiguration.LOGIN_PATH);
    }

    private PresentedCredentials() {
    }
}
