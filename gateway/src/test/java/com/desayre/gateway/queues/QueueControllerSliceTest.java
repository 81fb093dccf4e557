package com.desayre.gateway.queues;

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

import com.desayre.contracts.Topics;
import com.desayre.gateway.SliceSecurity;
import com.desayre.gateway.accounts.AuditLog;
import com.desayre.gateway.web.RequestValidator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * POST /api/worker over HTTP. Kafka (KafkaQueues, WorkerBoard), the DLQ ledger and the audit log (PostgreSQL) are Mockito
 * beans that only have to answer; QueueControlIT runs them for real.
 */
@WebFluxTest(controllers = QueueController.class, properties = SliceSecurity.MEDIA_DIR)
@Import({SliceSecurity.class, RequestValidator.class, QueueControllerSliceTest.Settings.class})
class QueueControllerSliceTest {
    @Autowired
    WebTestClient client;
    @MockitoBean
    KafkaQueues kafka;
    @MockitoBean
    DlqLedger ledger;
    @MockitoBean
    WorkerBoard board;
    @MockitoBean
    AuditLog audit;

    @TestConfiguration(proxyBeanMethods = false)
    static class Settings {
        @Bean
        QueueSettings queueSettings() {
            return new QueueSettings(null, null, null, null, null, null);
        }
    }

    @Test
    void pausingALaneTellsEveryWorker() {
        when(audit.record(anyString(), anyString(), anyString(), any())).thenReturn(Mono.empty());
        client.post().uri("/api/worker").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"action\":\"pause\",\"lane\":\"Batch\",\"worker\":\"video-worker\",\"reason\":\"provider incident\"}")
                .exchange().expectStatus().isAccepted()
                .expectBody().jsonPath("$.lane").isEqualTo("BATCH").jsonPath("$.services[0]").isEqualTo("video-worker");
        verify(kafka).publish(eq(Topics.LANE_SWITCHES), eq("video-worker/BATCH"), any());
    }

    @Test
    void theFieldsMustFitTheAction() {
        assertThat(fields(invalid(client, "POST", "/api/worker", "{}"))).containsExactly("action");
        assertThat(fields(invalid(client, "POST", "/api/worker", "{\"action\":\"pause\",\"lane\":\"night\",\"dlq\":\"x\"}")))
                .containsExactly("dlq", "lane");
        var replay = invalid(client, "POST", "/api/worker", "{\"action\":\"replay\",\"dlq\":\"generation.status\","
                + "\"offsets\":[{\"partition\":-1,\"offset\":2}],\"worker\":\"image-worker\"}");
        assertThat(fields(replay)).containsExactly("dlq", "offsets[0]", "worker");
        assertThat(messages(replay)).contains("'worker' belongs to pause and resume, not to replay.");
        assertThat(fields(invalid(client, "POST", "/api/worker", "{\"action\":\"replay\",\"dlq\":\"generation.requested.dlq\","
                + "\"all\":true,\"jobIds\":[\"a\"]}"))).containsExactly("all");
        assertThat(fields(invalid(client, "POST", "/api/worker", "{\"action\":\"replay\",\"dlq\":\"generation.requested.dlq\","
                + "\"jobIds\":[]}"))).containsExactly("jobIds");
        verify(kafka, never()).publish(anyString(), anyString(), any());
    }
}
