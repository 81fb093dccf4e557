package com.desayre.gateway.limits;

import static com.desayre.gateway.SliceProblems.invalid;
import static com.desayre.gateway.SliceProblems.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.desayre.gateway.SliceSecurity;
import com.desayre.gateway.accounts.Accounts;
import com.desayre.gateway.web.RequestValidator;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * PUT /api/admin/users/{username}/quota over HTTP. The limits and quotas live in Redis and PostgreSQL and the accounts in
 * PostgreSQL: Mockito beans that only have to answer (GenerationLimitsIT runs them for real).
 */
@WebFluxTest(controllers = LimitsController.class, properties = SliceSecurity.MEDIA_DIR)
@Import({SliceSecurity.class, RequestValidator.class})
class LimitsControllerSliceTest {
    @Autowired
    WebTestClient client;
    @MockitoBean
    GenerationLimits limits;
    @MockitoBean
    DailyQuotas quotas;
    @MockitoBean
    Accounts accounts;

    @Test
    void anAdminSetsAUsersDailyQuota() {
        when(accounts.find("bob")).thenReturn(Mono.just(new Accounts.Account("bob", "x", "member", true, 0, Instant.EPOCH, "root", null)));
        when(quotas.set(SliceSecurity.ADMIN, "bob", 7)).thenReturn(Mono.just(new DailyQuotas.Quota(7, true)));
        var standing = mock(GenerationLimits.Standing.class);
        when(standing.dailyQuota()).thenReturn(7L);
        when(standing.ownDailyQuota()).thenReturn(true);
        when(limits.standingOf("bob")).thenReturn(Mono.just(standing));
        when(limits.settings()).thenReturn(new LimitSettings(null, null, null, null, 0, null, null, 500, null, 0, null, null, null));
        client.put().uri("/api/admin/users/Bob/quota").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"dailyQuota\":7}").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.dailyQuota").isEqualTo(7).jsonPath("$.source").isEqualTo("user");
        verify(quotas).set(SliceSecurity.ADMIN, "bob", 7);
    }

    @Test
    void aQuotaMustBeAWholeNumberOfUnits() {
        assertThat(messages(invalid(client, "PUT", "/api/admin/users/bob/quota", "{}"))).containsExactly(
                "'dailyQuota' is required: units per UTC day (0 or more); DELETE this resource to go back to the default.");
        assertThat(messages(invalid(client, "PUT", "/api/admin/users/bob/quota", "{\"dailyQuota\":-1}")))
                .containsExactly("'dailyQuota' must be a whole number from 0 to 9223372036854775807.");
        assertThat(messages(invalid(client, "PUT", "/api/admin/users/bob/quota", "{\"dailyQuota\":\"10\"}")))
                .containsExactly("'dailyQuota' must be a whole number.");
        verify(quotas, never()).set(anyString(), anyString(), anyLong());
    }
}
