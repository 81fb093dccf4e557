package com.desayre.gateway.jobs;

import static com.desayre.gateway.AuthTestGateway.json;
import static com.desayre.gateway.AuthTestGateway.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.embedded.PostgresServer;
import com.desayre.embedded.RedisServer;
import com.desayre.gateway.AuthTestGateway;
import com.desayre.gateway.limits.GenerationLimits;
import com.desayre.gateway.messaging.JobPublisher;
import com.desayre.testsupport.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * A gateway's statuses never stay behind what happened: statuses published while no gateway ran
 * are applied (cache and in-flight slots) before a gateway that starts says it is ready, and a job
 * whose ending the cache missed is read from the job history, written back and its slot freed.
 * While Redis is down, statuses are not held up and reads come from the job history. No
 * storage-sink runs here: what Postgres says is written by the test, and nothing else moves.
 */
class StatusContinuityIT {
    private static final String ADMIN_PASSWORD = "the continuity admin's passphrase";
    private static final String PASSWORD = "a perfectly good passphrase";
    /** A stream looks at the stores again at every keep-alive: a short one keeps the missed-ending test short. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(1);
    private static final Map<String, String> PROPERTIES = Map.of("desayre.auth.admin-password", ADMIN_PASSWORD,
            "desayre.gateway.keep-alive", KEEP_ALIVE.toMillis() + "ms");
    private AuthTestGateway gateway;

    @BeforeAll
    static void tables() {
        AuthTestGateway.withJobTables();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void statusesPublishedWhileNoGatewayRanAreAppliedBeforeTheNextOneIsReady() throws Exception {
        gateway = ready(new AuthTestGateway(PROPERTIES));
        var user = unique("away");
        var token = member(user);
        var jobs = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            var accepted = gateway.call("POST", "/api/generate/image", "{\"prompt\":\"a tide pool " + i + "\"}",
                    "Authorization", "Bearer " + token);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            jobs.add(json(accepted).get("jobId").asString());
        }
        assertThat(inFlight(token)).isEqualTo(3);
        gateway.close();
        gateway = null;

        // the pipeline goes on while no gateway runs
        publish(status(jobs.get(0), user, JobStatus.PROCESSING, null), status(jobs.get(0), user, JobStatus.COMPLETED, null),
                status(jobs.get(1), user, JobStatus.FAILED, new JobError("PROVIDER_REJECTED", "The provider refused it.")),
                status(jobs.get(2), user, JobStatus.PROCESSING, null));

        gateway = ready(new AuthTestGateway(PROPERTIES));
        // ready means caught up: no waiting from here on (and no job row in Postgres: only the cache can answer)
        assertThat(statusOf(jobs.get(0), token)).isEqualTo("COMPLETED");
        assertThat(statusOf(jobs.get(1), token)).isEqualTo("FAILED");
        assertThat(statusOf(jobs.get(2), token)).isEqualTo("PROCESSING");
        assertThat(inFlight(token)).as("slots of the jobs that ended are free").isEqualTo(1);
        for (var ended : jobs.subList(0, 2)) {
            assertFinished(gateway.call("POST", "/api/jobs/" + ended + "/cancel", null, "Authorization", "Bearer " + token));
        }
        assertThat(streamOf(jobs.get(0), token)).hasSize(1).first().asString().contains("\"COMPLETED\"");
    }

    @Test
    void anEndingTheCacheMissedIsReadFromTheJobHistoryWrittenBackAndFreesTheSlot() throws Exception {
        gateway = ready(new AuthTestGateway(PROPERTIES));
        var user = unique("missed");
        var token = member(user);
        var completed = submit(token);
        var failed = submit(token);
        var cache = gateway.bean(StatusCache.class);
        // the cache holds PROCESSING for both: their endings were published while Redis failed
        for (var jobId : List.of(completed, failed)) {
            cache.offer(status(jobId, user, JobStatus.PROCESSING, null)).block(Duration.ofSeconds(5));
        }
        row(completed, user, "COMPLETED");
        row(failed, user, "FAILED");
        assertThat(inFlight(token)).as("looking at the limits checks the slots against the job history").isEqualTo(0);

        var another = submit(token);
        cache.offer(status(another, user, JobStatus.PROCESSING, null)).block(Duration.ofSeconds(5));
        row(another, user, "COMPLETED");
        var redis = gateway.bean(ReactiveStringRedisTemplate.class);
        var slots = GenerationLimits.key(user, "in-flight");
        assertThat(redis.opsForZSet().size(slots).block(Duration.ofSeconds(5))).isEqualTo(1);

        assertThat(statusOf(another, token)).isEqualTo("COMPLETED");
        assertThat(cache.latest(another).block(Duration.ofSeconds(5)).status()).as("written back").isEqualTo(JobStatus.COMPLETED);
        assertThat(redis.opsForZSet().size(slots).block(Duration.ofSeconds(5))).as("a read that finds the ending frees the slot")
                .isEqualTo(0);
        assertThat(statusOf(failed, token)).isEqualTo("FAILED");
        cache.forget(failed).block(Duration.ofSeconds(5)); // as Redis does after the status TTL (7 days)
        assertThat(gateway.call("GET", "/api/jobs/" + failed, null, "Authorization", "Bearer " + token).body())
                .as("the trace id of a job the cache forgot is the job history's").contains("\"traceId\":\"" + TRACE_ID + "\"");
        assertFinished(gateway.call("POST", "/api/jobs/" + failed + "/cancel", null, "Authorization", "Bearer " + token));
        var events = streamOf(completed, token);
        assertThat(events).as("the stream starts with the ending, and ends").hasSize(1);
        assertThat(events.get(0)).contains("\"COMPLETED\"");

        // a QUEUED the accepting request says it cached is not written again by the projection; the status after it
        // on the same partition is
        var saidCached = status(java.util.UUID.randomUUID().toString(), user, JobStatus.QUEUED, null);
        var after = status(java.util.UUID.randomUUID().toString(), user, JobStatus.QUEUED, null);
        publish(saidCached.jobId(), true, saidCached);
        publish(saidCached.jobId(), false, after);
        await().atMost(Duration.ofSeconds(30)).until(() -> cache.latest(after.jobId()).blockOptional(Duration.ofSeconds(5)).isPresent());
        assertThat(cache.latest(saidCached.jobId()).blockOptional(Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void aStreamWhoseLiveFeedMissedTheEndingFindsItAtTheNextKeepAliveAndEndsThenAnEventSourceStopsAndDeletedIs404() throws Exception {
        gateway = ready(new AuthTestGateway(PROPERTIES));
        var user = unique("dropped");
        var token = member(user);
        var jobId = submit(token);
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.base + "/api/jobs/" + jobId + "/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        var events = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var read = java.util.concurrent.CompletableFuture.runAsync(() -> response.body().filter(line -> line.startsWith("data:"))
                .forEach(events::add));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
            // the job ends where this gateway's live feed cannot see it: only the stores know
            row(jobId, user, "COMPLETED");
            read.get(KEEP_ALIVE.toSeconds() * 2 + 10, TimeUnit.SECONDS);
            assertThat(events).hasSize(2);
            assertThat(events.get(0)).contains("\"QUEUED\"");
            assertThat(events.get(1)).contains("\"COMPLETED\"");
        } finally {
            response.body().close();
        }

        // an EventSource on the ended job: its ending once, then its reconnect is told 204 and it stops
        var followed = eventSource(jobId, token);
        assertThat(followed.events()).hasSize(1).first().asString().contains("\"COMPLETED\"");
        assertThat(followed.connections()).as("the first connection, and the reconnect answered 204").isEqualTo(2);
        // another stage's telling of the ending (the one a stream sent if it came first) settles it as well
        timeline("another-stages-ending", jobId, "COMPLETED");
        assertThat(gateway.call("GET", "/api/jobs/" + jobId + "/events", null, "Authorization", "Bearer " + token,
                "Accept", "text/event-stream", "Last-Event-ID", "another-stages-ending").statusCode()).isEqualTo(204);

        // deleted: gone from the job API too, though the status cache still remembers the job
        assertThat(gateway.call("DELETE", "/api/history/" + jobId, null, "Authorization", "Bearer " + token).statusCode())
                .isEqualTo(204);
        var gone = gateway.call("GET", "/api/jobs/" + jobId, null, "Authorization", "Bearer " + token);
        assertThat(gone.statusCode()).as(gone.body()).isEqualTo(404);
        assertThat(gone.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(gateway.call("GET", "/api/jobs/" + jobId + "/events", null, "Authorization", "Bearer " + token,
                "Accept", "text/event-stream").statusCode()).isEqualTo(404);
    }

    private record Followed(int connections, List<String> events) {
    }

    /**
     * What a standard EventSource does with a job's events URL: it reconnects whenever the stream ends, with the last
     * event's id as Last-Event-ID, and stops only when answered 204 (or an error status). Bounded: 5 connections at most.
     */
    private Followed eventSource(String jobId, String token) throws Exception {
        var client = HttpClient.newHttpClient();
        var events = new ArrayList<String>();
        String lastEventId = null;
        for (int connection = 1; connection <= 5; connection++) {
            var request = HttpRequest.newBuilder(URI.create(gateway.base + "/api/jobs/" + jobId + "/events"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET();
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            var response = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines()).get(30, TimeUnit.SECONDS);
            if (response.statusCode() != 200) {
                response.body().close();
                assertThat(response.statusCode()).as("how an EventSource is told to stop").isEqualTo(204);
                return new Followed(connection, events);
            }
            var lines = java.util.concurrent.CompletableFuture.supplyAsync(() -> response.body().toList()).get(30, TimeUnit.SECONDS);
            for (var line : lines) {
                if (line.startsWith("id:")) {
                    lastEventId = line.substring(3).strip();
                } else if (line.startsWith("data:")) {
                    events.add(line);
                }
            }
        }
        throw new AssertionError("the EventSource never stopped; events: " + events);
    }

    @Test
    void whileRedisIsDownStatusesAreNotHeldUpAndAJobIsAnsweredFromTheJobHistoryThenRepaired() throws Exception {
        var redis = RedisServer.start(0, null);
        var port = redis.port();
        try {
            var properties = new java.util.HashMap<>(PROPERTIES);
            properties.put("spring.data.redis.url", redis.url());
            gateway = ready(new AuthTestGateway(properties));
            var user = unique("outage");
            var token = member(user);
            var jobId = submit(token);

            redis.close();
            // the job ends, and a crowd of other statuses follows, while no status can be cached
            var others = new ArrayList<StatusChanged>();
            for (int i = 0; i < 40; i++) {
                others.add(status(java.util.UUID.randomUUID().toString(), user, JobStatus.PROCESSING, null));
            }
            publish(status(jobId, user, JobStatus.PROCESSING, null), status(jobId, user, JobStatus.COMPLETED, null));
            publish(others.toArray(StatusChanged[]::new));
            // 42 writes waited for in turn would take 42 x 2 s: after the first failure they are no longer waited for
            await().atMost(Duration.ofSeconds(30)).until(StatusContinuityIT::projectionCaughtUp);
            row(jobId, user, "COMPLETED");
            assertThat(statusOf(jobId, token)).as("answered from the job history while Redis is down").isEqualTo("COMPLETED");
            assertFinished(gateway.call("POST", "/api/jobs/" + jobId + "/cancel", null, "Authorization", "Bearer " + token));

            redis = RedisServer.start(port, null);
            var cache = gateway.bean(StatusCache.class);
            // the first read once Redis answers writes the ending back
            await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(statusOf(jobId, token))
                    && cache.latest(jobId).map(StatusChanged::status).onErrorResume(e -> reactor.core.publisher.Mono.empty())
                    .blockOptional(Duration.ofSeconds(5)).orElse(null) == JobStatus.COMPLETED);
        } finally {
            if (gateway != null) {
                gateway.close();
                gateway = null;
            }
            redis.close();
        }
    }

    /** Whether the gateways' status group has committed every status on the topic. */
    private static boolean projectionCaughtUp() throws Exception {
        try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestServers.kafka().bootstrapServers()))) {
            var committed = admin.listConsumerGroupOffsets("gateway-status").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            var partitions = new java.util.HashMap<TopicPartition, OffsetSpec>();
            for (int p = 0; p < TestServers.TOPIC_PARTITIONS; p++) {
                partitions.put(new TopicPartition(Topics.STATUS, p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(partitions).all().get(10, TimeUnit.SECONDS);
            return ends.entrySet().stream().allMatch(end -> end.getValue().offset() == 0 || committed.get(end.getKey()) != null
                    && committed.get(end.getKey()).offset() >= end.getValue().offset());
        }
    }

    private AuthTestGateway ready(AuthTestGateway started) {
        await().atMost(Duration.ofSeconds(60)).until(() -> started.call("GET", "/actuator/health", null).statusCode() == 200);
        return started;
    }

    private String member(String user) {
        var admin = gateway.token("admin", ADMIN_PASSWORD);
        gateway.createUser(admin, user, PASSWORD, "member");
        return gateway.token(user, PASSWORD);
    }

    private String submit(String token) {
        var accepted = gateway.call("POST", "/api/generate/image", "{\"prompt\":\"a harbour wall\"}", "Authorization", "Bearer " + token);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return json(accepted).get("jobId").asString();
    }

    private String statusOf(String jobId, String token) {
        var job = gateway.call("GET", "/api/jobs/" + jobId, null, "Authorization", "Bearer " + token);
        assertThat(job.statusCode()).as(job.body()).isEqualTo(200);
        return json(job).get("status").asString();
    }

    private int inFlight(String token) {
        for (var limit : json(gateway.call("GET", "/api/limits", null, "Authorization", "Bearer " + token)).get("limits")) {
            if (limit.get("policy").asString().equals("in-flight")) {
                return limit.get("quota").asInt() - limit.get("remaining").asInt();
            }
        }
        throw new AssertionError("no in-flight limit");
    }

    private static void assertFinished(HttpResponse<String> cancel) {
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(409);
        assertThat(cancel.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(json(cancel).get("type").asString()).isEqualTo("/problems/job-finished");
    }

    /** The status events of the job's stream, which must end by itself (bounded: a stream that hangs fails). */
    private List<String> streamOf(String jobId, String token) throws Exception {
        var response = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create(gateway.base + "/api/jobs/" + jobId + "/events"))
                        .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofLines()).get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        var read = java.util.concurrent.CompletableFuture.supplyAsync(() -> response.body().filter(line -> line.startsWith("data:")).toList());
        try {
            return read.get(30, TimeUnit.SECONDS);
        } finally {
            response.body().close();
        }
    }

    private static StatusChanged status(String jobId, String owner, JobStatus status, JobError error) {
        var event = StatusChanged.of(jobId, owner, JobKind.IMAGE, status, "test", status.name().toLowerCase());
        return error == null ? event : new StatusChanged(event.schemaVersion(), event.eventId(), jobId, event.occurredAt(), owner,
                JobKind.IMAGE, status, "test", null, error.message(), error, List.of(), null, null, null);
    }

    private static void publish(StatusChanged... events) throws Exception {
        try (var producer = producer()) {
            for (var event : events) {
                producer.send(new ProducerRecord<>(Topics.STATUS, event.jobId(), EventJson.write(event))).get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** One status keyed {@code key}, marked as the accepting request marks a QUEUED it cached when {@code saidCached}. */
    private static void publish(String key, boolean saidCached, StatusChanged event) throws Exception {
        try (var producer = producer()) {
            var record = new ProducerRecord<>(Topics.STATUS, key, EventJson.write(event));
            if (saidCached) {
                record.headers().add(JobPublisher.ALREADY_CACHED, new byte[] {'1'});
            }
            producer.send(record).get(10, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    /** A status event of the job's timeline, as storage-sink records each one. */
    private static void timeline(String eventId, String jobId, String status) throws Exception {
        try (var c = TestServers.postgres().dataSource(PostgresServer.DEFAULT_DATABASE).getConnection();
             var insert = c.prepareStatement("insert into public.job_status_events (event_id, job_id, status, stage, occurred_at) "
                     + "values (?, ?, ?, 'test', now())")) {
            insert.setString(1, eventId);
            insert.setString(2, jobId);
            insert.setString(3, status);
            insert.executeUpdate();
        }
    }

    /** The trace id storage-sink kept for the jobs of {@link #row}. */
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    /** The job as storage-sink projects it, ended. */
    private static void row(String jobId, String owner, String status) throws Exception {
        try (var c = TestServers.postgres().dataSource(PostgresServer.DEFAULT_DATABASE).getConnection();
             var insert = c.prepareStatement("""
                     insert into public.jobs (job_id, owner_id, kind, status, message, error_code, created_at, updated_at, trace_id)
                     values (?, ?, 'IMAGE', ?, ?, ?, ?, ?, ?)""")) {
            var now = Timestamp.from(Instant.now());
            insert.setString(1, jobId);
            insert.setString(2, owner);
            insert.setString(3, status);
            insert.setString(4, status.equals("FAILED") ? "The provider refused it." : null);
            insert.setString(5, status.equals("FAILED") ? "PROVIDER_REJECTED" : null);
            insert.setTimestamp(6, now);
            insert.setTimestamp(7, now);
            insert.setString(8, TRACE_ID);
            insert.executeUpdate();
        }
    }
}
