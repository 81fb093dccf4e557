package com.desayre.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.StoredMedia;
import com.desayre.contracts.Topics;
import com.desayre.embedded.PostgresServer;
import com.desayre.embedded.SpringProperties;
import com.desayre.platform.MediaLinks;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dispatcher as deployed (its own Spring Boot app, consumer group on generation.status) on the real Kafka and
 * PostgreSQL with the gateway's migrations, sending to a real receiver on loopback that checks every signature with
 * the Standard Webhooks algorithm written here on its own. Retry intervals are milliseconds here, hours in production,
 * and the binding's tries are cut to two. Its PostgreSQL is its own (restarted on the same port and data directory when a
 * test stops it), so the test kit's shared one stays up.
 */
class WebhookDispatcherIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String LINK_SECRET = "a-media-link-secret-of-at-least-32-bytes";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Receiver receiver;
    private static JdbcClient db;
    private static KafkaProducer<String, byte[]> producer;
    private static ConfigurableApplicationContext dispatcher;
    private static Path postgresDir;
    private static PostgresServer postgres;

    @BeforeAll
    static void start() throws Exception {
        postgresDir = Files.createTempDirectory("webhooks-pg-");
        postgres = PostgresServer.start(0, postgresDir);
        Flyway.configure().dataSource(postgres.jdbcUrl(), postgres.username(), postgres.password())
                .locations("filesystem:../gateway/src/main/resources/db/gateway").schemas("gateway").defaultSchema("gateway")
                .table("flyway_history_gateway").load().migrate();
        db = JdbcClient.create(postgres.dataSource("desayre"));
        receiver = new Receiver();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
        dispatcher = startDispatcher();
    }

    @AfterAll
    static void stop() throws Exception {
        if (dispatcher != null) {
            dispatcher.close();
        }
        producer.close();
        receiver.close();
        postgres.close();
        try (var paths = Files.walk(postgresDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static ConfigurableApplicationContext startDispatcher() {
        var properties = new HashMap<String, String>();
        properties.putAll(TestServers.kafkaProperties());
        properties.putAll(postgres.springProperties());
        // the binding tries a status twice, 10 ms apart, and a try waits at most 0.5 s for a connection
        properties.put("spring.cloud.stream.bindings.recordWebhooks-in-0.consumer.max-attempts", "1");
        properties.put("spring.cloud.stream.bindings.recordWebhooks-in-0.consumer.back-off-initial-interval", "10");
        properties.put("desayre.webhooks.database-connect-timeout", "500ms");
        properties.put("server.port", "0");
        properties.put("desayre.webhooks.allow-private", "true");
        properties.put("desayre.webhooks.poll-interval", "50ms");
        properties.put("desayre.webhooks.retry-initial", "100ms");
        properties.put("desayre.webhooks.retry-max", "300ms");
        properties.put("desayre.webhooks.connect-timeout", "1s");
        properties.put("desayre.webhooks.read-timeout", "2s");
        properties.put("desayre.webhooks.lease", "3s");
        properties.put("desayre.webhooks.gateway-url", "https://studio.example");
        properties.put("desayre.media.link-secret", LINK_SECRET);
        return WebhookDispatcherApplication.builder().run(SpringProperties.asArguments(properties));
    }

    /** An endpoint row as the gateway writes it; returns its secret (base64). */
    private static String endpoint(UUID id, String owner, String url, String[] events, String previousSecret) {
        var secret = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        db.sql("insert into gateway.webhook_endpoints (id, owner, url, events, secret, previous_secret, previous_secret_until) "
                        + "values (:id, :owner, :url, :events, :secret, :previous, :until)")
                .param("id", id).param("owner", owner).param("url", url).param("events", events).param("secret", secret)
                .param("previous", previousSecret)
                .param("until", previousSecret == null ? null : Timestamp.from(Instant.now().plus(Duration.ofHours(1)))).update();
        return secret;
    }

    private static StatusChanged status(String jobId, String owner, JobStatus status, List<StoredMedia> media) {
        return new StatusChanged(StatusChanged.SCHEMA_VERSION, UUID.randomUUID().toString(), jobId, Instant.now(), owner, JobKind.IMAGE,
                status, "test", status == JobStatus.COMPLETED ? 100 : null, "m", null, media, null, null, null);
    }

    private static void publish(StatusChanged status) throws Exception {
        producer.send(new ProducerRecord<>(Topics.STATUS, status.jobId(), EventJson.write(status))).get();
    }

    /** Standard Webhooks, written here from the specification: each "v1,<sig>" in the header is checked against each secret. */
    private static long validSignatures(Receiver.Request request, String... base64Secrets) throws Exception {
        long valid = 0;
        for (var secret : base64Secrets) {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret), "HmacSHA256"));
            var expected = "v1," + Base64.getEncoder().encodeToString(
                    mac.doFinal((request.id() + "." + request.timestamp() + "." + request.body()).getBytes(StandardCharsets.UTF_8)));
            for (var presented : request.signature().split(" ")) {
                if (presented.equals(expected)) {
                    valid++;
                }
            }
        }
        return valid;
    }

    private static String state(UUID endpoint, String jobId) {
        return db.sql("select coalesce(string_agg(state || ':' || attempts, ',' order by seq), '') from gateway.webhook_deliveries "
                + "where endpoint_id = :e and job_id = :j").param("e", endpoint).param("j", UUID.fromString(jobId)).query(String.class).single();
    }

    @Test
    void aCompletedJobIsSignedWithBothSecretsDuringARotationAndRetriedAfterTwo500s() throws Exception {
        var owner = "ada-" + UUID.randomUUID();
        var endpoint = UUID.randomUUID();
        var previous = Base64.getEncoder().encodeToString(new byte[32]);
        var secret = endpoint(endpoint, owner, receiver.url("/retried"), new String[] {"job.completed"}, previous);
        receiver.answer("/retried", 500, 500);
        var jobId = UUID.randomUUID().toString();
        var media = new StoredMedia(jobId + "/0.png", "image/png", 64, 64, 1234, "abc", jobId + "/0.thumb.jpg", null);
        publish(status(jobId, owner, JobStatus.COMPLETED, List.of(media)));

        await().atMost(WAIT).until(() -> state(endpoint, jobId), "delivered:3"::equals);
        var seen = receiver.to("/retried");
        assertThat(seen).extracting(Receiver.Request::answered).containsExactly(500, 500, 200);
        assertThat(seen).extracting(Receiver.Request::id).containsOnly(seen.get(0).id()).allMatch(id -> id.startsWith("msg_"));
        for (var request : seen) {
            assertThat(validSignatures(request, secret)).as("signed with the current secret").isEqualTo(1);
            assertThat(validSignatures(request, previous)).as("and, during the rotation, with the previous one").isEqualTo(1);
            assertThat(Math.abs(Long.parseLong(request.timestamp()) - Instant.now().getEpochSecond())).isLessThan(120);
        }
        JsonNode body = JSON.readTree(seen.get(2).body());
        assertThat(body.get("type").asString()).isEqualTo("job.completed");
        assertThat(body.at("/data/jobId").asString()).isEqualTo(jobId);
        assertThat(body.at("/data/status").asString()).isEqualTo("COMPLETED");
        var url = URI.create(body.at("/data/media/0/url").asString());
        assertThat(url.getHost()).isEqualTo("studio.example");
        assertThat(url.getPath()).isEqualTo("/media/source/" + jobId + "/0.png");
        // the link the gateway's /media/source/ serves to anyone holding it: its own signing scheme, not a second one
        var query = java.util.Arrays.stream(url.getQuery().split("&")).map(p -> p.split("=", 2))
                .collect(java.util.stream.Collectors.toMap(p -> p[0], p -> p[1]));
        assertThat(new MediaLinks(LINK_SECRET, Duration.ofDays(7), Clock.systemUTC()).verify(jobId + "/0.png", query.get("expires"),
                query.get("signature"))).isTrue();
        var log = db.sql("select response_status, latency_ms, response_excerpt from gateway.webhook_deliveries where endpoint_id = :e")
                .param("e", endpoint).query().singleRow();
        assertThat(log.get("response_status")).isEqualTo(200);
        assertThat(log.get("response_excerpt")).isEqualTo("{\"seen\":\"/retried\"}");
        assertThat(log.get("latency_ms")).isNotNull();
    }

    @Test
    void aJobsLaterEventWaitsForItsEarlierOne() throws Exception {
        var owner = "ada-" + UUID.randomUUID();
        var endpoint = UUID.randomUUID();
        var secret = endpoint(endpoint, owner, receiver.url("/ordered"), new String[] {"job.started", "job.completed"}, null);
        receiver.answer("/ordered", 503, 503);
        var jobId = UUID.randomUUID().toString();
        publish(status(jobId, owner, JobStatus.SUBMITTED, List.of()));
        publish(status(jobId, owner, JobStatus.COMPLETED, List.of()));
        // another user's job and a status nobody subscribed to send nothing here
        publish(status(UUID.randomUUID().toString(), "someone-else", JobStatus.COMPLETED, List.of()));
        publish(status(jobId, owner, JobStatus.PROCESSING, List.of()));

        await().atMost(WAIT).until(() -> state(endpoint, jobId), "delivered:3,delivered:1"::equals);
        var types = receiver.to("/ordered").stream().map(request -> JSON.readTree(request.body()).get("type").asString()).toList();
        assertThat(types).containsExactly("job.started", "job.started", "job.started", "job.completed");
        for (var request : receiver.to("/ordered")) {
            assertThat(validSignatures(request, secret)).isEqualTo(1);
        }
    }

    @Test
    void aStatusItCannotReadGoesToItsDeadLetterTopicAtOnceAndHoldsNothingUp() throws Exception {
        var owner = "ada-" + UUID.randomUUID();
        var endpoint = UUID.randomUUID();
        endpoint(endpoint, owner, receiver.url("/after-poison"), new String[] {"job.completed"}, null);
        var jobId = UUID.randomUUID().toString();
        var poisonKey = UUID.randomUUID().toString();
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.WEBHOOKS_DLQ)) {
            // same key as the good record behind it: same partition, so the good one waits only if the bad one holds it
            producer.send(new ProducerRecord<>(Topics.STATUS, jobId, "not json {".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.STATUS, poisonKey, new byte[0])).get();
            publish(status(jobId, owner, JobStatus.COMPLETED, List.of()));

            await().atMost(WAIT).until(() -> state(endpoint, jobId), "delivered:1"::equals);
            await().atMost(WAIT).until(() -> probe.records(Topics.WEBHOOKS_DLQ, jobId).size() == 1
                    && probe.records(Topics.WEBHOOKS_DLQ, poisonKey).size() == 1);
        }
    }

    /**
     * PostgreSQL stopped for longer than the binding tries a status (about 1 s here, 4 minutes as deployed, where a
     * failover can take longer): a terminal status that arrives meanwhile waits it out, is not dead-lettered, and
     * its webhook is delivered once Postgres is back.
     */
    @Test
    void aStatusThatArrivesWhilePostgresIsAwayWaitsItOutAndIsDeliveredOnceItIsBack() throws Exception {
        var owner = "ada-" + UUID.randomUUID();
        var endpoint = UUID.randomUUID();
        var secret = endpoint(endpoint, owner, receiver.url("/outage"), new String[] {"job.completed"}, null);
        var jobId = UUID.randomUUID().toString();
        var port = postgres.port();
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.WEBHOOKS_DLQ)) {
            postgres.close();
            try {
                publish(status(jobId, owner, JobStatus.COMPLETED, List.of()));
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                        .until(() -> probe.records(Topics.WEBHOOKS_DLQ, jobId).isEmpty());
            } finally {
                postgres = PostgresServer.start(port, postgresDir);
            }

            await().atMost(WAIT).until(() -> state(endpoint, jobId), "delivered:1"::equals);
            assertThat(receiver.to("/outage")).singleElement()
                    .satisfies(request -> assertThat(validSignatures(request, secret)).isEqualTo(1));
            assertThat(probe.records(Topics.WEBHOOKS_DLQ, jobId)).isEmpty();
        }
    }

    @Test
    void aReceiverThatKeepsFailingOpensItsEndpointsBreakerAndIsLeftAloneWhileItIsOpen() throws Exception {
        var owner = "ada-" + UUID.randomUUID();
        var endpoint = UUID.randomUUID();
        endpoint(endpoint, owner, receiver.url("/down"), new String[] {"job.completed"}, null);
        var failing = new Integer[40];
        java.util.Arrays.fill(failing, 500);
        receiver.answer("/down", failing);
        for (int i = 0; i < 8; i++) {
            publish(status(UUID.randomUUID().toString(), owner, JobStatus.COMPLETED, List.of()));
        }
        var breakers = dispatcher.getBean(Dispatcher.class);
        await().atMost(WAIT).until(() -> breakers.breakerState(endpoint.toString()) == CircuitBreaker.State.OPEN);
        var tried = receiver.to("/down").size();
        // retries are 100-300 ms apart here: without the breaker eight failing deliveries would keep arriving
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> receiver.to("/down").size() == tried);
        // it opens at its 5th recorded failure (minimum-number-of-calls, 100 % failed); calls already let through by then,
        // at most one per other sender (8 senders), still arrive: 5 + 7 at the most
        assertThat(tried).as("probes before the breaker opened").isBetween(5, 5 + 7);
    }

    @Test
    void aPerRequestWebhookGetsEveryEventOfItsJobAndNothingElse() throws Exception {
        var owner = "ada-" + UUID.randomUUID();
        var jobId = UUID.randomUUID().toString();
        var endpoint = UUID.randomUUID();
        // as the gateway registers a webhookUrl: an endpoint bound to one job, subscribed to nothing by type
        var secret = endpoint(endpoint, owner, receiver.url("/per-request"), new String[] {}, null);
        db.sql("update gateway.webhook_endpoints set job_id = :job where id = :id").param("job", UUID.fromString(jobId))
                .param("id", endpoint).update();
        var other = UUID.randomUUID().toString();
        publish(status(other, owner, JobStatus.COMPLETED, List.of()));
        publish(status(jobId, owner, JobStatus.SUBMITTED, List.of()));
        publish(status(jobId, owner, JobStatus.CANCELLED, List.of()));
        publish(status(jobId, owner, JobStatus.COMPLETED, List.of())); // a late result after the cancel: not sent

        await().atMost(WAIT).until(() -> state(endpoint, jobId), "delivered:1,delivered:1"::equals);
        var types = receiver.to("/per-request").stream().map(request -> JSON.readTree(request.body()).get("type").asString()).toList();
        assertThat(types).containsExactly("job.started", "job.cancelled");
        assertThat(receiver.to("/per-request")).allSatisfy(request -> assertThat(request.body()).contains(jobId).doesNotContain(other));
        for (var request : receiver.to("/per-request")) {
            assertThat(validSignatures(request, secret)).isEqualTo(1);
        }
    }

    @Test
    void anEndpointFailingForLongerThanDisableAfterIsDisabledAndToldWhy() throws Exception {
        var owner = "ada-" + UUID.randomUUID();
        var endpoint = UUID.randomUUID();
        endpoint(endpoint, owner, receiver.url("/dead"), new String[] {"job.failed"}, null);
        // failing for 4 days already (disable-after is 3 days): the next failure disables it
        db.sql("update gateway.webhook_endpoints set failing_since = now() - interval '4 days' where id = :id").param("id", endpoint).update();
        receiver.answer("/dead", 500, 500, 500, 500, 500);
        var jobId = UUID.randomUUID().toString();
        publish(status(jobId, owner, JobStatus.FAILED, List.of()));

        await().atMost(WAIT).until(() -> db.sql("select enabled from gateway.webhook_endpoints where id = :id").param("id", endpoint)
                .query(Boolean.class).single(), enabled -> !enabled);
        var reason = db.sql("select disabled_reason from gateway.webhook_endpoints where id = :id").param("id", endpoint)
                .query(String.class).single();
        assertThat(reason).startsWith("Deliveries have failed since ").contains("(last: HTTP 500)").contains("PATCH");
        var attempts = receiver.to("/dead").size();
        // disabled: its pending delivery waits, nothing more is sent
        assertThat(state(endpoint, jobId)).startsWith("pending:");
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> receiver.to("/dead").size() == attempts);
    }

    @Test
    void aRestartMidDeliveryAndARedeliveredRecordMakeNoSecondDelivery() throws Exception {
        var owner = "ada-" + UUID.randomUUID();
        var endpoint = UUID.randomUUID();
        endpoint(endpoint, owner, receiver.url("/restart"), new String[] {"job.failed"}, null);
        var hold = receiver.hold("/restart");
        var jobId = UUID.randomUUID().toString();
        var failed = status(jobId, owner, JobStatus.FAILED, List.of());
        publish(failed);
        await().atMost(WAIT).until(() -> state(endpoint, jobId), "pending:1"::equals);
        dispatcher.close(); // mid-delivery: the receiver is still holding the request
        hold.countDown();
        publish(failed); // the same record again, as after a rebalance
        dispatcher = startDispatcher();

        await().atMost(WAIT).until(() -> state(endpoint, jobId), "delivered:2"::equals);
        var seen = receiver.to("/restart");
        assertThat(seen).extracting(Receiver.Request::id).containsOnly(seen.get(0).id());
        assertThat(db.sql("select count(*) from gateway.webhook_deliveries where endpoint_id = :e").param("e", endpoint)
                .query(Long.class).single()).isEqualTo(1);
    }
}
