package com.desayre.platform;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Media in Cloudflare R2 or any S3-compatible store (MinIO, S3Mock). Large objects go up in
 * parts (the client's multipart mode), so a video never has to fit in one request.
 */
public final class S3MediaStore implements MediaStore, AutoCloseable {
    private final S3AsyncClient s3;
    private final String bucket;

    public S3MediaStore(URI endpoint, String region, String accessKeyId, String secretAccessKey, String bucket) {
        this.bucket = bucket;
        this.s3 = S3AsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .forcePathStyle(true)
                .multipartEnabled(true)
                .build();
    }

    /** Creates the bucket when it does not exist yet (local S3 servers start empty). */
    public void ensureBucket() throws IOException {
        try {
            s3.headBucket(b -> b.bucket(bucket)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof S3Exception s3e && s3e.statusCode() == 404) {
                createBucket();
            } else {
                throw new MediaStoreException("cannot reach bucket " + bucket + ": " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    private void createBucket() throws IOException {
        try {
            s3.createBucket(b -> b.bucket(bucket)).join();
        } catch (CompletionException e) {
            // 409: another service created it at the same moment; that is what we wanted
            if (!(e.getCause() instanceof S3Exception s3e && s3e.statusCode() == 409)) {
                throw new MediaStoreException("cannot create bucket " + bucket + ": " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    @Override
    public void put(String key, Path file, String contentType) throws IOException {
        call(() -> s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), AsyncRequestBody.fromFile(file)).join());
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> putAsync(String key, Path file, String contentType) {
        return s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), AsyncRequestBody.fromFile(file))
                .handle((response, error) -> {
                    if (error != null) {
                        var cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                        throw new CompletionException(new MediaStoreException("S3 request failed: " + cause.getMessage(), cause));
                    }
                    return null;
                });
    }

    @Override
    public Optional<MediaObject> stat(String key) throws IOException {
        try {
            var head = s3.headObject(b -> b.bucket(bucket).key(key)).join();
            return Optional.of(new MediaObject(key, head.contentLength(), head.contentType(), head.eTag()));
        } catch (CompletionException e) {
            if (e.getCause() instanceof NoSuchKeyException
                    || e.getCause() instanceof S3Exception s3e && s3e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new MediaStoreException("S3 HEAD " + key + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        var range = "bytes=" + offset + "-" + (offset + length - 1);
        return call(() -> s3.getObject(b -> b.bucket(bucket).key(key).range(range),
                AsyncResponseTransformer.toBlockingInputStream()).join());
    }

    @Override
    public void delete(String key) throws IOException {
        call(() -> s3.deleteObject(b -> b.bucket(bucket).key(key)).join());
    }

    @Override
    public void close() {
        s3.close();
    }

    private static <T> T call(java.util.function.Supplier<T> request) throws IOException {
        try {
            return request.get();
        } catch (CompletionException e) {
            throw new MediaStoreException("S3 request failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
