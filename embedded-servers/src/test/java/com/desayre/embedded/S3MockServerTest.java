package com.desayre.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

class S3MockServerTest {
    private static final String BUCKET = "desayre-media";
    private static S3MockServer s3;

    @BeforeAll
    static void start() {
        s3 = S3MockServer.start(0, null, List.of(BUCKET));
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @Test
    void storesAndReturnsAnObject() {
        try (S3Client client = client(s3)) {
            client.putObject(put -> put.bucket(BUCKET).key("jobs/1/image.png").contentType("image/png"),
                    RequestBody.fromString("not really a png"));

            var object = client.getObjectAsBytes(get -> get.bucket(BUCKET).key("jobs/1/image.png"));

            assertThat(object.asUtf8String()).isEqualTo("not really a png");
            assertThat(object.response().contentType()).isEqualTo("image/png");
        }
    }

    @Test
    void createsABucketOnlyWhenMissing() {
        s3.createBucket("second-bucket");
        s3.createBucket("second-bucket");

        try (S3Client client = client(s3)) {
            assertThat(client.listBuckets().buckets()).extracting(bucket -> bucket.name())
                    .contains(BUCKET, "second-bucket");
        }
    }

    private static S3Client client(S3MockServer s3) {
        return S3Client.builder()
                .endpointOverride(URI.create(s3.endpoint()))
                .region(Region.of(S3MockServer.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("any", "any")))
                .forcePathStyle(true)
                .build();
    }
}
