package com.desayre.embedded;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Spring Boot properties a DESAYRE service needs to reach each server — the one place these
 * keys are spelled. Use them from {@code @DynamicPropertySource}, {@code SpringApplicationBuilder.properties}
 * or as command-line arguments ({@code --key=value}).
 */
public final class SpringProperties {

    public static final String KAFKA_BOOTSTRAP_SERVERS = "spring.kafka.bootstrap-servers";
    public static final String STREAM_KAFKA_BROKERS = "spring.cloud.stream.kafka.binder.brokers";

    public static final String R2DBC_URL = "spring.r2dbc.url";
    public static final String R2DBC_USERNAME = "spring.r2dbc.username";
    public static final String R2DBC_PASSWORD = "spring.r2dbc.password";
    public static final String FLYWAY_URL = "spring.flyway.url";
    public static final String FLYWAY_USER = "spring.flyway.user";
    public static final String FLYWAY_PASSWORD = "spring.flyway.password";

    public static final String REDIS_URL = "spring.data.redis.url";

    /** {@code desayre.media.s3.*}: the platform's S3-compatible media store (see {@code MediaSettings}). */
    public static final String S3_ENDPOINT = "desayre.media.s3.endpoint";
    public static final String S3_ACCESS_KEY_ID = "desayre.media.s3.access-key-id";
    public static final String S3_SECRET_ACCESS_KEY = "desayre.media.s3.secret-access-key";
    public static final String S3_REGION = "desayre.media.s3.region";
    public static final String S3_BUCKET = "desayre.media.s3.bucket";

    public static Map<String, String> kafka(KafkaBroker broker) {
        return kafka(broker.bootstrapServers());
    }

    /** For one broker or a cluster: {@code HOST:PORT[,HOST:PORT…]}. */
    public static Map<String, String> kafka(String bootstrapServers) {
        return Map.of(
                KAFKA_BOOTSTRAP_SERVERS, bootstrapServers,
                STREAM_KAFKA_BROKERS, bootstrapServers);
    }

    public static Map<String, String> postgres(PostgresServer postgres, String database) {
        var properties = new LinkedHashMap<String, String>();
        properties.put(R2DBC_URL, postgres.r2dbcUrl(database));
        properties.put(R2DBC_USERNAME, postgres.username());
        properties.put(R2DBC_PASSWORD, postgres.password());
        properties.put(FLYWAY_URL, postgres.jdbcUrl(database));
        properties.put(FLYWAY_USER, postgres.username());
        properties.put(FLYWAY_PASSWORD, postgres.password());
        return Map.copyOf(properties);
    }

    public static Map<String, String> redis(RedisServer redis) {
        return Map.of(REDIS_URL, redis.url());
    }

    public static Map<String, String> s3(S3MockServer s3, String bucket) {
        return Map.of(
                S3_ENDPOINT, s3.endpoint(),
                S3_ACCESS_KEY_ID, S3MockServer.ACCESS_KEY_ID,
                S3_SECRET_ACCESS_KEY, S3MockServer.SECRET_ACCESS_KEY,
                S3_REGION, S3MockServer.REGION,
                S3_BUCKET, bucket);
    }

    /** As {@code --key=value} arguments, for a service started with {@code SpringApplication.run(…, args)}. */
    public static String[] asArguments(Map<String, String> properties) {
        return properties.entrySet().stream()
                .map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
                .sorted()
                .toArray(String[]::new);
    }

    private SpringProperties() {
    }
}
