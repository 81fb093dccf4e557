package com.desayre.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.Topics;
import com.desayre.embedded.SpringProperties;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.context.annotation.Import;

/**
 * What every batch stage's crash guarantee rests on: the future {@link JobEvents#publish} answers completes when the
 * broker acknowledged the record, not when the producer took it. A stage waits for it before its input commits, so a
 * stage that dies after the wait cannot lose its output in the producer's buffer. Proved with a record only the
 * broker refuses (larger than its topic's {@code max.message.bytes}, within the producer's own limit): its future fails
 * with the broker's answer, where a future that completed on hand-off would report it sent. And every topic's binding
 * properties are registered before the first send (the race {@link JobEventsConfiguration#jobEvents} explains).
 */
class JobEventsIT {
    private static final String TOPIC = "ack-test.out";
    private static final int TOPIC_MAX_BYTES = 1024;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(JobEventsConfiguration.class)
    static class Publisher {
    }

    @Test
    void aPublishSucceedsOnlyWhenTheBrokerTookTheRecordAndFailsWithTheBrokersAnswer() throws Exception {
        var kafka = TestServers.kafka();
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", String.valueOf(TOPIC_MAX_BYTES))))).all().get(30, TimeUnit.SECONDS);
        }
        var properties = new HashMap<>(SpringProperties.kafka(kafka));
        properties.put("spring.config.name", "desayre-platform");
        properties.put("spring.cloud.function.definition", "");
        try (var probe = TopicProbe.watch(kafka, TOPIC);
             var app = new SpringApplicationBuilder(Publisher.class).web(WebApplicationType.NONE)
                     .run(SpringProperties.asArguments(properties))) {
            var events = app.getBean(JobEvents.class);
            // every topic's binding properties exist before any thread's first send (see JobEventsConfiguration)
            assertThat(app.getBean(BindingServiceProperties.class).getBindings()).containsKeys(Topics.all().toArray(String[]::new));

            JobEvents.await(events.publish(TOPIC, "job-small", new byte[100], Map.of()));
            await().atMost(Duration.ofSeconds(30)).until(() -> !probe.records(TOPIC, "job-small").isEmpty());

            var refused = events.publish(TOPIC, "job-large", filled(8 * TOPIC_MAX_BYTES), Map.of());
            assertThatThrownBy(() -> JobEvents.await(refused))
                    .as("a record the broker refused is not reported sent")
                    .hasRootCauseInstanceOf(RecordTooLargeException.class);
            assertThat(probe.records(TOPIC, "job-large")).isEmpty();
        }
    }

    private static byte[] filled(int size) {
        var bytes = new byte[size];
        Arrays.fill(bytes, (byte) 'x');
        return bytes;
    }
}
