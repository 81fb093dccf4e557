package com.desayre.gateway.admin;

import static com.desayre.gateway.SliceProblems.fields;
import static com.desayre.gateway.SliceProblems.invalid;
import static com.desayre.gateway.SliceProblems.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.desayre.gateway.SliceSecurity;
import com.desayre.gateway.accounts.Accounts;
import com.desayre.gateway.accounts.AuditLog;
import com.desayre.gateway.web.RequestValidator;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/** The admin's user management over HTTP; the accounts and the audit log (PostgreSQL) are Mockito beans that only answer. */
@WebFluxTest(controllers = AdminUsersController.class, properties = SliceSecurity.MEDIA_DIR)
@Import({SliceSecurity.class, RequestValidator.class, AdminUsersControllerSliceTest.Hashing.class})
class AdminUsersControllerSliceTest {
    private static final String PASSWORD = "four unrelated words here";

    @Autowired
    WebTestClient client;
    @MockitoBean
    Accounts accounts;
    @MockitoBean
    AuditLog audit;

    @TestConfiguration(proxyBeanMethods = false)
    static class Hashing {
        @Bean
        BCryptPasswordEncoder passwords() {
            return new BCryptPasswordEncoder(4);
        }
    }

    @Test
    void anAdminCreatesChangesAndResetsAUser() {
        var bob = new Accounts.UserView("bob", "admin", true, Instant.EPOCH, SliceSecurity.ADMIN, null);
        when(accounts.create(eq(SliceSecurity.ADMIN), eq("bob"), anyString(), eq("admin"))).thenReturn(Mono.just(bob));
        client.post().uri("/api/admin/users").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"username\":\"Bob\",\"password\":\"" + PASSWORD + "\",\"role\":\"Admin\"}")
                .exchange().expectStatus().isCreated().expectHeader().location("/api/admin/users/bob");
        when(accounts.update(SliceSecurity.ADMIN, "bob", null, false)).thenReturn(Mono.just(bob));
        client.patch().uri("/api/admin/users/bob").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"enabled\":false}")
                .exchange().expectStatus().isOk();
        when(accounts.setPassword(eq(SliceSecurity.ADMIN), eq("bob"), anyString(), eq("user.password-reset"))).thenReturn(Mono.empty());
        client.post().uri("/api/admin/users/bob/password").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"password\":\"" + PASSWORD + "\"}").exchange().expectStatus().isNoContent();
        verify(accounts).setPassword(eq(SliceSecurity.ADMIN), eq("bob"), anyString(), eq("user.password-reset"));
    }

    @Test
    void badAccountsAreRefusedNamingEachField() {
        var created = invalid(client, "POST", "/api/admin/users", "{\"username\":\"A b\",\"password\":\"short\",\"role\":\"boss\"}");
        assertThat(fields(created)).containsExactly("username", "password", "role");
        assertThat(messages(created).get(0)).startsWith("A username is 3 to 32 characters");
        assertThat(messages(created).get(2)).isEqualTo("'role' must be one of: admin, member.");
        assertThat(fields(invalid(client, "POST", "/api/admin/users", "{\"username\":\"bob\\nadmin\",\"password\":\"" + PASSWORD + "\"}")))
                .containsExactly("username");
        assertThat(messages(invalid(client, "POST", "/api/admin/users", "{\"username\":\"bobby\",\"password\":\"bobby's long password\"}")))
                .containsExactly("A password must not contain the username.");
        var change = invalid(client, "PATCH", "/api/admin/users/bob", "{}");
        assertThat(fields(change)).containsExactly("");
        assertThat(messages(change)).containsExactly("Send 'role' (admin or member) and/or 'enabled' (true or false).");
        assertThat(messages(invalid(client, "POST", "/api/admin/users/bob/password", "{\"password\":\"bob is my password\"}")))
                .containsExactly("A password must not contain the username.");
        verify(accounts, never()).create(anyString(), anyString(), anyString(), anyString());
        verify(accounts, never()).setPassword(anyString(), anyString(), anyString(), any());
    }
}
