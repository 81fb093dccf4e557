package com.desayre.gateway.admin;

import static com.desayre.gateway.SliceProblems.fields;
import static com.desayre.gateway.SliceProblems.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.desayre.contracts.PriceList;
import com.desayre.gateway.SliceSecurity;
import com.desayre.gateway.costs.CostLedgerReader;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/admin/stats/series} over HTTP: every refusal of its range names its field, and nothing is read for one.
 * The projections and the ledger (PostgreSQL) are Mockito beans; AdminStatsIT reads them for real.
 */
@WebFluxTest(controllers = StatsController.class, properties = SliceSecurity.MEDIA_DIR)
@Import({SliceSecurity.class, StatsControllerSliceTest.Settings.class})
class StatsControllerSliceTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    WebTestClient client;
    @MockitoBean
    StatsRepository stats;
    @MockitoBean
    CostLedgerReader ledger;

    @TestConfiguration(proxyBeanMethods = false)
    static class Settings {
        @Bean
        StatsSettings statsSettings() {
            return new StatsSettings(null);
        }

        @Bean
        PriceList prices() {
            return PriceList.NONE;
        }
    }

    private JsonNode refused(String query) {
        var body = client.get().uri("/api/admin/stats/series" + query).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class).returnResult().getResponseBody();
        var problem = JSON.readTree(body);
        assertThat(problem.get("type").asString()).as(body).isEqualTo("/problems/invalid-request");
        return problem;
    }

    @Test
    void aRangeThatCannotBeChartedIsRefusedNamingItsField() {
        assertThat(messages(refused("?bucket=week"))).containsExactly("'bucket' must be hour or day.");
        var both = refused("?from=yesterday&to=2026-13-01");
        assertThat(fields(both)).containsExactly("from", "to");
        assertThat(messages(both).get(0)).isEqualTo("'from' must be a date (2026-12-01) or an instant (2026-12-01T00:00:00Z).");
        assertThat(messages(refused("?from=2026-12-02&to=2026-12-01"))).containsExactly("'to' must be after 'from'.");
        assertThat(messages(refused("?from=2026-12-01&to=2026-12-01"))).containsExactly("'to' must be after 'from'.");
        // 32 days of hours: 768 buckets, past the 744 one answer holds
        assertThat(messages(refused("?from=2026-11-01&to=2026-12-03&bucket=hour")))
                .containsExactly("The range holds 768 hours; at most 744 fit in one answer: shorten it or count by day.");
        assertThat(fields(refused("?from=2020-01-01&to=2026-12-01"))).containsExactly("from");
        verify(stats, never()).jobsOverTime(any());
        verify(ledger, never()).overTime(any(), any(), anyString());
    }

    @Test
    void everyBucketOfTheRangeIsAnsweredEmptyOnesWithZeros() {
        when(stats.jobsOverTime(any())).thenReturn(Flux.just(
                new StatsRepository.BucketCount(Instant.parse("2026-12-01T01:00:00Z"), "IMAGE", "COMPLETED", 3),
                new StatsRepository.BucketCount(Instant.parse("2026-12-01T01:00:00Z"), "IMAGE", "FAILED", 1),
                new StatsRepository.BucketCount(Instant.parse("2026-12-01T03:00:00Z"), "VIDEO", "COMPLETED", 2)));
        when(ledger.overTime(any(), any(), anyString())).thenReturn(Flux.just(
                new CostLedgerReader.Spend(Instant.parse("2026-12-01T01:00:00Z"), 402_000, 134_000)));
        var body = client.get().uri("/api/admin/stats/series?from=2026-12-01T00:30:00Z&to=2026-12-01T04:00:00Z").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        var series = JSON.readTree(body);
        // from moves back to its hour's start; hours chosen for a range under two days
        assertThat(series.get("from").asString()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(series.get("bucket").asString()).isEqualTo("hour");
        var points = series.get("points");
        assertThat(points.size()).as(body).isEqualTo(4);
        assertThat(points.valueStream().map(p -> p.get("total").asLong()).toList()).isEqualTo(List.of(0L, 4L, 0L, 2L));
        assertThat(points.get(1).get("jobs").get("IMAGE").get("FAILED").asLong()).isEqualTo(1);
        assertThat(points.get(1).get("cost").decimalValue()).isEqualByComparingTo("0.402");
        assertThat(points.get(1).get("possibleDuplicates").decimalValue()).isEqualByComparingTo("0.134");
        assertThat(points.get(0).get("cost").decimalValue()).isEqualByComparingTo("0");
    }
}
