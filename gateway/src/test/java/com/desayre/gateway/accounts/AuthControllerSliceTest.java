package com.desayre.gateway.accounts;

import static com.desayre.gateway.SliceProblems.fields;
import static com.desayre.gateway.SliceProblems.invalid;
import static com.desayre.gateway.SliceProblems.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.desayre.gateway.SliceSecurity;
import com.desayre.gateway.web.RequestValidator;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * Sign-in and password change over HTTP. The accounts (PostgreSQL), sessions (JWT + revocations in Redis) and the sign-in
 * limiter (Redis) are Mockito beans that only answer; AccountsIT and AttackSuiteIT run them for real.
 */
@WebFluxTest(controllers = AuthController.class, properties = SliceSecurity.MEDIA_DIR)
@Import({SliceSecurity.class, RequestValidator.class, AuthControllerSliceTest.Hashing.class})
class AuthControllerSliceTest {
    private static final BCryptPasswordEncoder BCRYPT = new BCryptPasswordEncoder(4);
    private static final String PASSWORD = "four unrelated words here";

    @Autowired
    WebTestClient client;
    @MockitoBean
    Accounts accounts;
    @MockitoBean
    Sessions sessions;
    @MockitoBean
    LoginLimiter limiter;
    @MockitoBean
    SessionLog sessionLog;

    @TestConfiguration(proxyBeanMethods = false)
    static class Hashing {
        @Bean
        BCryptPasswordEncoder passwords() {
            return BCRYPT;
        }
    }

    @Test
    void theRightPasswordSignsIn() {
        when(limiter.reserve(anyString(), anyString())).thenReturn(Mono.just(new LoginLimiter.Attempt(null, Duration.ZERO)));
        when(limiter.succeeded(anyString(), anyString())).thenReturn(Mono.empty());
        when(accounts.find("carol")).thenReturn(Mono.just(new Accounts.Account("carol", BCRYPT.encode(PASSWORD), "member", true, 0,
                Instant.EPOCH, SliceSecurity.ADMIN, null)));
        when(accounts.touchLogin("carol")).thenReturn(Mono.empty());
        var issued = new Sessions.Issued("a.jwt.token", Instant.parse("2030-01-01T00:00:00Z"), "sid-1");
        when(sessionLog.opened(anyString(), anyString(), anyInt(), any(), any())).thenReturn(Mono.empty());
        when(sessions.start("carol", "member", 0)).thenReturn(issued);
        when(sessions.cookie(any(), any())).thenReturn(ResponseCookie.from("DESAYRE_SESSION", "a.jwt.token").build());
        client.post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"username\":\"Carol\",\"password\":\"" + PASSWORD + "\"}")
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.token").isEqualTo("a.jwt.token").jsonPath("$.user.username").isEqualTo("carol");
    }

    @Test
    void aSignInOrPasswordChangeWithBadFieldsIsRefusedBeforeAnyAttemptIsCounted() {
        var login = invalid(client, "POST", "/api/auth/login", "{\"username\":\"\"}");
        assertThat(messages(login)).containsExactly("'username' is required.", "'password' is required.");
        assertThat(messages(invalid(client, "POST", "/api/auth/login", "{\"username\":\"eve\\u0000\",\"password\":\"x\"}")))
                .containsExactly("'username' must not contain control characters (such as NUL or a line break).");
        assertThat(fields(invalid(client, "POST", "/api/auth/login", "{\"username\":\"eve\",\"password\":\"x\",\"otp\":1}")))
                .containsExactly("otp");
        var change = invalid(client, "POST", "/api/auth/password", "{\"newPassword\":\"short\"}");
        assertThat(fields(change)).containsExactly("currentPassword", "newPassword");
        assertThat(messages(change)).contains("'currentPassword' is required: your password now.");
        assertThat(messages(invalid(client, "POST", "/api/auth/password",
                "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"" + PASSWORD + "\"}")))
                .containsExactly("The new password must differ from the current one.");
        verify(limiter, never()).reserve(anyString(), anyString());
    }
}
