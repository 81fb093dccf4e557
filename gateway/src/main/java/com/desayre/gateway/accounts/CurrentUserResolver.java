package com.desayre.gateway.accounts;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Lets a handler declare a {@link CurrentUser} parameter, whatever signed the caller in. Every
 * way of authenticating ends here, so handlers never look at tokens themselves.
 */
@Configuration(proxyBeanMethods = false)
class CurrentUserResolver implements WebFluxConfigurer, HandlerMethodArgumentResolver {

    @Override
    public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
        configurer.addCustomResolver(this);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == CurrentUser.class;
    }

    @Override
    public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext context, ServerWebExchange exchange) {
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(security -> security.getAuthentication())
                .map(authentication -> {
                    if (authentication.getPrincipal() instanceof Jwt jwt) {
                        return (Object) CurrentUser.of(jwt);
                    }
                    if (authentication.getPrincipal() instanceof CurrentUser user) {
                        return user;
                    }
                    throw new IllegalStateException("no DESAYRE user behind " + authentication.getClass().getSimpleName());
                });
    }
}
