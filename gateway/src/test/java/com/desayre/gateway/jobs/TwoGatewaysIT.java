package com.desayre.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.Topics;
import com.desayre.gateway.AuthTestGateway;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway instances on one Kafka, Redis and Postgres, as a scaled-out deployment runs them:
 * a job accepted by one is streamed live by the other and read from the shared status cache, and
 * concurrent retries of one request spread over both instances make exactly one job.
 */
class TwoGatewaysIT {
    private static final String ADMIN_PASSWORD = "the two gateways' admin passphrase";
    private static AuthTestGateway first;
    private static AuthTestGateway second;
    private static String token;

    @BeforeAll
    static void start() {
        AuthTestGateway.withJobTables();
        var properties = Map.of("desayre.auth.admin-password", ADMIN_PASSWORD, "desayre.limits.enabled", "false");
        first = new AuthTestGateway(properties);
        second = new AuthTestGateway(properties);
        for (var gateway : List.of(first, second)) {
            // ready: its status stream is assigned, so no later status is missed
            await().atMost(Duration.ofSeconds(60)).until(() -> gateway.call("GET", "/actuator/health", null).statusCode() == 200);
        }
        token = first.token("admin", ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        for (var gateway : new AuthTestGateway[] {first, second}) {
            if (gateway != null) {
                gateway.close();
            }
        }
    }

    @Test
    void aJobAcceptedByOneInstanceIsStreamedAndServedByTheOther() throws Exception {
        var http = HttpClient.newHttpClient();
        var stream = http.send(HttpRequest.newBuilder(URI.create(second.base + "/api/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        try {
            var seen = new CopyOnWriteArrayList<String>();
            var reading = CompletableFuture.runAsync(() -> stream.body().takeWhile(line -> !Thread.currentThread().isInterrupted())
                    .filter(line -> line.startsWith("data:")).forEach(seen::add));
            var accepted = first.call("POST", "/api/generate/image", "{\"prompt\":\"a red tram in the rain, two gateways\"}",
                    "Authorization", "Bearer " + token);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            var jobId = AuthTestGateway.json(accepted).get("jobId").asString();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(seen)
                    .anySatisfy(line -> assertThat(line).contains(jobId).contains("\"QUEUED\"")));
            var status = second.call("GET", "/api/jobs/" + jobId, null, "Authorization", "Bearer " + token);
            assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
            assertThat(AuthTestGateway.json(status).get("status").asString()).isEqualTo("QUEUED");
            reading.cancel(true);
        } finally {
            stream.body().close();
        }
    }

    @Test
    void concurrentRetriesOfOneRequestOverBothInstancesMakeOneJob() throws Exception {
        var tag = "idempotency race " + UUID.randomUUID();
        var body = "{\"prompt\":\"a lantern on a jetty, " + tag + "\"}";
        var key = UUID.randomUUID().toString();
        var pool = Executors.newFixedThreadPool(8);
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.REQUESTED)) {
            var go = new CountDownLatch(1);
            var answers = new ArrayList<CompletableFuture<HttpResponse<String>>>();
            for (int i = 0; i < 8; i++) {
                var gateway = i % 2 == 0 ? first : second;
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return gateway.call("POST", "/api/generate/image", body, "Authorization", "Bearer " + token,
                            "Idempotency-Key", key);
                }, pool));
            }
            go.countDown();
            var jobIds = new java.util.HashSet<String>();
            for (var answer : answers) {
                var response = answer.get(60, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isIn(202, 409);
                if (response.statusCode() == 202) {
                    jobIds.add(AuthTestGateway.json(response).get("jobId").asString());
                } else {
                    assertThat(AuthTestGateway.json(response).get("type").asString()).isEqualTo("/problems/idempotency-key-in-progress");
                }
            }
            assertThat(jobIds).as("every accepted answer names the one job").hasSize(1);
            // a retry after the race settles gets that job too
            var retried = second.call("POST", "/api/generate/image", body, "Authorization", "Bearer " + token, "Idempotency-Key", key);
            assertThat(Set.of(AuthTestGateway.json(retried).get("jobId").asString())).isEqualTo(jobIds);
            var jobId = jobIds.iterator().next();
            await().atMost(Duration.ofSeconds(30)).until(() -> !probe.records(Topics.REQUESTED, jobId).isEmpty());
            assertThat(probe.all().stream().filter(r -> r.topic().equals(Topics.REQUESTED) && r.value().contains(tag)).count())
                    .as("exactly one job was published").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
