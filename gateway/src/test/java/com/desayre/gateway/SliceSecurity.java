package com.desayre.gateway;

import com.desayre.gateway.accounts.CurrentUser;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * For {@code @WebFluxTest} slices of one controller: every caller is signed in as the admin {@code root}, with no CSRF
 * token to send. Who may call what is the real security chain's, proven by AccountsIT and AttackSuiteIT; a slice is about
 * what its controller reads and answers. (The application imports the media store, which needs a folder: set
 * {@code desayre.media.dir}; nothing is stored.)
 */
@TestConfiguration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class SliceSecurity {
    public static final String ADMIN = "root";
    public static final String MEDIA_DIR = "desayre.media.dir=target/slice-media";

    @Bean
    SecurityWebFilterChain signedInAsAdmin(ServerHttpSecurity http) {
        return http.authorizeExchange(exchange -> exchange.anyExchange().permitAll())
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .anonymous(anonymous -> anonymous.principal(new CurrentUser(ADMIN, true)))
                .build();
    }
}
