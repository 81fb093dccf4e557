package com.desayre.gateway.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.desayre.gateway.web.ApiProblem;
import com.desayre.testsupport.TestServers;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Webhooks on the real PostgreSQL with the gateway's own migrations (no Spring context: the HTTP side is
 * WebhooksControllerSliceTest's): endpoints are their owner's alone, secrets are Standard Webhooks secrets shown once,
 * a rotation keeps the old secret for the overlap, tests and redeliveries are rows the dispatcher sends.
 */
class WebhooksStoreIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static DatabaseClient db;
    private static Webhooks webhooks;

    @BeforeAll
    static void migrate() {
        var postgres = TestServers.postgres();
        Flyway.configure().dataSource(postgres.jdbcUrl(), postgres.username(), postgres.password())
                .locations("classpath:db/gateway").schemas("gateway").defaultSchema("gateway").table("flyway_history_gateway")
                .load().migrate();
        var options = ConnectionFactoryOptions.parse(postgres.r2dbcUrl()).mutate()
                .option(ConnectionFactoryOptions.USER, postgres.username())
                .option(ConnectionFactoryOptions.PASSWORD, postgres.password()).build();
        db = DatabaseClient.create(ConnectionFactories.get(options));
        webhooks = new Webhooks(db, new WebhookSettings(false, 2, Duration.ofHours(24)));
    }

    @Test
    void anEndpointIsItsOwnersAloneAndItsSecretIsAStandardWebhooksSecret() {
        var owner = "ada-" + UUID.randomUUID();
        var created = webhooks.create(owner, "https://93.184.216.34/a", List.of("job.completed", "JOB.completed", "job.failed"), " ci ")
                .block(WAIT);
        assertThat(created.events()).containsExactly("job.completed", "job.failed");
        assertThat(created.description()).isEqualTo("ci");
        assertThat(created.secret()).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(created.secret().substring("whsec_".length()))).hasSize(32);
        var id = created.id().toString();

        assertThat(webhooks.list(owner).collectList().block(WAIT)).extracting(Webhooks.Endpoint::id).containsExactly(created.id());
        assertThat(webhooks.get(owner, id).block(WAIT).toString()).doesNotContain(created.secret().substring(6));
        for (var stranger : List.of("bob-" + UUID.randomUUID())) {
            assertThat(webhooks.list(stranger).collectList().block(WAIT)).isEmpty();
            assertNotFound(() -> webhooks.get(stranger, id).block(WAIT));
            assertNotFound(() -> webhooks.change(stranger, id, new WebhookChange(null, false, null)).block(WAIT));
            assertNotFound(() -> webhooks.rotate(stranger, id).block(WAIT));
            assertNotFound(() -> webhooks.test(stranger, id).block(WAIT));
            assertNotFound(() -> webhooks.deliveries(stranger, id, 10).collectList().block(WAIT));
            assertNotFound(() -> webhooks.delete(stranger, id).block(WAIT));
        }
        assertNotFound(() -> webhooks.get(owner, "nothing-here").block(WAIT));
    }

    @Test
    void disablingSaysWhyAndEnablingClearsIt() {
        var owner = "ada-" + UUID.randomUUID();
        var id = webhooks.create(owner, "https://93.184.216.34/b", List.of("job.failed"), null).block(WAIT).id().toString();
        var disabled = webhooks.change(owner, id, new WebhookChange(List.of("job.cancelled"), false, "")).block(WAIT);
        assertThat(disabled.enabled()).isFalse();
        assertThat(disabled.disabledReason()).isEqualTo("disabled by its owner");
        assertThat(disabled.events()).containsExactly("job.cancelled");
        assertThat(disabled.description()).isNull();
        var enabled = webhooks.change(owner, id, new WebhookChange(null, true, "prod")).block(WAIT);
        assertThat(enabled.enabled()).isTrue();
        assertThat(enabled.disabledReason()).isNull();
        assertThat(enabled.description()).isEqualTo("prod");
    }

    @Test
    void aRotationKeepsTheOldSecretSigningForTheOverlap() {
        var owner = "ada-" + UUID.randomUUID();
        var created = webhooks.create(owner, "https://93.184.216.34/c", List.of("job.completed"), null).block(WAIT);
        var rotated = webhooks.rotate(owner, created.id().toString()).block(WAIT);
        assertThat(rotated.secret()).startsWith("whsec_").isNotEqualTo(created.secret());
        assertThat(rotated.previousSecretValidUntil()).isAfter(Instant.now().plus(Duration.ofHours(23)));
        var secrets = db.sql("select secret, previous_secret from gateway.webhook_endpoints where id = :id").bind("id", created.id())
                .map(row -> List.of(row.get("secret", String.class), row.get("previous_secret", String.class))).one().block(WAIT);
        assertThat(secrets).containsExactly(rotated.secret().substring(6), created.secret().substring(6));
        assertThat(webhooks.get(owner, created.id().toString()).block(WAIT).previousSecretValidUntil()).isNotNull();
    }

    @Test
    void aTestIsADeliveryToSendAndARedeliveryStartsItsRetriesOver() {
        var owner = "ada-" + UUID.randomUUID();
        var id = webhooks.create(owner, "https://93.184.216.34/d", List.of("job.completed"), null).block(WAIT).id().toString();
        var test = webhooks.test(owner, id).block(WAIT);
        assertThat(test.type()).isEqualTo("webhook.test");
        assertThat(test.state()).isEqualTo("pending");
        assertThat(test.eventId()).startsWith("msg_");
        db.sql("update gateway.webhook_deliveries set state = 'failed', attempts = 9, response_status = 500 where id = :id")
                .bind("id", test.id()).then().block(WAIT);
        var again = webhooks.redeliver(owner, id, test.id().toString()).block(WAIT);
        assertThat(again.state()).isEqualTo("pending");
        assertThat(again.attempts()).isZero();
        assertThat(again.eventId()).isEqualTo(test.eventId());
        assertThat(webhooks.deliveries(owner, id, 10).collectList().block(WAIT)).extracting(Webhooks.Delivery::id).containsExactly(test.id());
        assertNotFound(() -> webhooks.redeliver(owner, id, UUID.randomUUID().toString()).block(WAIT));
        // the same event to the same endpoint is one delivery, whoever writes it twice
        assertThatThrownBy(() -> db.sql("insert into gateway.webhook_deliveries (id, endpoint_id, event_id, event_type, payload) "
                        + "values (:id, :endpoint, :event, 'webhook.test', '{}')").bind("id", UUID.randomUUID()).bind("endpoint", UUID.fromString(id))
                .bind("event", test.eventId()).then().block(WAIT)).hasMessageContaining("webhook_deliveries_endpoint_id_event_id_key");
        webhooks.delete(owner, id).block(WAIT);
        assertThat(db.sql("select count(*) as n from gateway.webhook_deliveries where id = :id").bind("id", test.id())
                .map(row -> row.get("n", Long.class)).one().block(WAIT)).isZero();
    }

    @Test
    void aUserHasAtMostTheConfiguredNumberOfEndpoints() {
        var owner = "ada-" + UUID.randomUUID();
        webhooks.create(owner, "https://93.184.216.34/1", List.of("job.failed"), null).block(WAIT);
        webhooks.create(owner, "https://93.184.216.34/2", List.of("job.failed"), null).block(WAIT);
        assertThatThrownBy(() -> webhooks.create(owner, "https://93.184.216.34/3", List.of("job.failed"), null).block(WAIT))
                .isInstanceOf(ApiProblem.class).hasMessageContaining("2 webhook endpoints");
    }

    @Test
    void aPerRequestWebhookIsAnEndpointPerJobSignedWithTheOwnersRequestSecretAndNeverListed() {
        var owner = "ada-" + UUID.randomUUID();
        var secret = webhooks.requestSecret(owner).block(WAIT);
        assertThat(Base64.getDecoder().decode(secret)).hasSize(32);
        assertThat(webhooks.requestSecret(owner).block(WAIT)).isEqualTo(secret);
        var jobs = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());
        webhooks.forJobs(owner, "https://93.184.216.34/req", jobs).block(WAIT);
        var rows = db.sql("select job_id, secret, events from gateway.webhook_endpoints where owner = :owner order by created_at")
                .bind("owner", owner).map(row -> List.of(row.get("job_id", UUID.class).toString(), row.get("secret", String.class),
                        String.join(",", row.get("events", String[].class)))).all().collectList().block(WAIT);
        assertThat(rows).extracting(row -> row.get(0)).containsExactlyInAnyOrderElementsOf(jobs);
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.get(1)).isEqualTo(secret);
            assertThat(row.get(2)).isEqualTo("job.started,job.completed,job.failed,job.cancelled");
        });
        assertThat(webhooks.list(owner).collectList().block(WAIT)).isEmpty();
    }

    private static void assertNotFound(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(ApiProblem.class).hasMessageContaining("no ");
    }
}
