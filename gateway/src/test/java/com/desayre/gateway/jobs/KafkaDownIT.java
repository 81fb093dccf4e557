package com.desayre.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.Topics;
import com.desayre.embedded.KafkaBroker;
import com.desayre.embedded.SpringProperties;
import com.desayre.gateway.GatewayApplication;
import com.desayre.testsupport.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * A broker that stops answering must turn a generation request into a 503 with Retry-After and
 * a sentence saying nothing was queued: never a 202 for a job Kafka did not take.
 */
class KafkaDownIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static long inFlightLeft(String limits) {
        for (var limit : JSON.readTree(limits).get("limits")) {
            if (limit.get("policy").asString().equals("in-flight")) {
                return limit.get("remaining").asLong();
            }
        }
        throw new AssertionError("no in-flight limit in " + limits);
    }

    @Test
    void whenKafkaIsDownAGenerationRequestIsA503WithRetryAfter() throws Exception {
        var http = HttpClient.newHttpClient();
        var kafka = KafkaBroker.start(0, null);
        kafka.createTopics(Topics.all(), 1);
        var properties = new HashMap<String, String>();
        properties.putAll(SpringProperties.kafka(kafka));
        properties.putAll(TestServers.redisProperties());
        properties.putAll(TestServers.postgresProperties());
        properties.put("server.port", "0");
        properties.put("desayre.data-dir", System.getProperty("java.io.tmpdir") + "/kafka-down");
        properties.put("desayre.auth.jwt-secret", "a-test-secret-that-is-at-least-32-bytes-long");
        properties.put("desayre.auth.admin-password", "pw");
        properties.put("spring.kafka.producer.properties.request.timeout.ms", "1000");
        properties.put("spring.kafka.producer.properties.delivery.timeout.ms", "2000");
        properties.put("spring.kafka.producer.properties.max.block.ms", "2000");
        properties.put("desayre.queues.kafka-timeout", "2s");
        try (var gateway = GatewayApplication.builder().web(WebApplicationType.REACTIVE)
                .run(SpringProperties.asArguments(properties))) {
            var base = "http://127.0.0.1:" + ((WebServerApplicationContext) gateway).getWebServer().getPort();
            var login = http.send(HttpRequest.newBuilder(URI.create(base + "/api/auth/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"pw\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            var token = JSON.readTree(login.body()).get("token").asString();
            var generate = HttpRequest.newBuilder(URI.create(base + "/api/generate/image"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"a quiet harbour\"}")).build();
            await().atMost(Duration.ofSeconds(30)).until(() -> http.send(generate, HttpResponse.BodyHandlers.ofString()).statusCode() == 202);

            var limits = HttpRequest.newBuilder(URI.create(base + "/api/limits")).header("Authorization", "Bearer " + token).build();
            var inFlightBefore = inFlightLeft(http.send(limits, HttpResponse.BodyHandlers.ofString()).body());

            kafka.close();

            var refused = http.send(generate, HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            var problem = JSON.readTree(refused.body());
            assertThat(problem.get("type").asString()).isEqualTo("/problems/service-unavailable");
            assertThat(problem.get("detail").asString()).contains("Nothing was queued");
            // the refused job's in-flight slot (and its units) were handed back
            assertThat(inFlightLeft(http.send(limits, HttpResponse.BodyHandlers.ofString()).body())).isEqualTo(inFlightBefore);

            // queue status still answers, with what the workers last said, and says Kafka's part is missing
            var status = http.send(HttpRequest.newBuilder(URI.create(base + "/api/worker"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(status.body()).get("kafka").get("available").asBoolean()).isFalse();
        } finally {
            kafka.close();
        }
    }
}
