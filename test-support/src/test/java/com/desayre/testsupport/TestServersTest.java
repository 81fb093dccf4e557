package com.desayre.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.Topics;
import com.desayre.embedded.KafkaBroker;
import com.desayre.embedded.SpringProperties;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

class TestServersTest {

    @Test
    void givesEveryServiceThePropertiesOfAllFourServersStartedOncePerJvm() {
        var properties = TestServers.springProperties();

        assertThat(properties)
                .containsEntry(SpringProperties.KAFKA_BOOTSTRAP_SERVERS, TestServers.kafka().bootstrapServers())
                .containsEntry(SpringProperties.STREAM_KAFKA_BROKERS, TestServers.kafka().bootstrapServers())
                .containsEntry(SpringProperties.R2DBC_URL, TestServers.postgres().r2dbcUrl())
                .containsEntry(SpringProperties.FLYWAY_URL, TestServers.postgres().jdbcUrl())
                .containsEntry(SpringProperties.REDIS_URL, TestServers.redis().url())
                .containsEntry(SpringProperties.S3_ENDPOINT, TestServers.s3().endpoint())
                .containsEntry(SpringProperties.S3_BUCKET, TestServers.BUCKET)
                .containsKeys(SpringProperties.R2DBC_USERNAME, SpringProperties.R2DBC_PASSWORD,
                        SpringProperties.FLYWAY_USER, SpringProperties.FLYWAY_PASSWORD,
                        SpringProperties.S3_ACCESS_KEY_ID, SpringProperties.S3_SECRET_ACCESS_KEY, SpringProperties.S3_REGION);
        assertThat(TestServers.springProperties()).isEqualTo(properties);
    }

    @Test
    void kitBrokerHasEveryTopicWithThreePartitionsAndLeaders() throws Exception {
        KafkaBroker broker = TestServers.kafka();

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            var topics = admin.describeTopics(Topics.all()).allTopicNames().get();
            assertThat(topics).containsOnlyKeys(Topics.all());
            assertThat(topics.values()).allSatisfy(topic -> {
                assertThat(topic.partitions()).hasSize(TestServers.TOPIC_PARTITIONS);
                assertThat(topic.partitions()).allSatisfy(partition -> assertThat(partition.leader()).isNotNull());
            });
        }
        assertThat(TestServers.kafka()).isSameAs(broker);
    }
}
