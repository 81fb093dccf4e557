package com.desayre.platform;

import java.io.IOException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link MediaStore}, picked from {@link MediaSettings}: an S3-compatible bucket when an endpoint or R2 account
 * is set, else a local folder. Not auto-configured: a service that reads or writes media (storage-sink, the
 * gateway) says so with {@code @Import(MediaStoreConfiguration.class)}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MediaSettings.class)
public class MediaStoreConfiguration {
    private static final Logger log = LoggerFactory.getLogger(MediaStoreConfiguration.class);

    @Bean
    MediaStore mediaStore(MediaSettings settings) throws IOException {
        var s3 = settings.s3();
        if (s3 != null && s3.configured()) {
            log.info("Media store: S3-compatible bucket '{}' at {}", s3.bucket(), s3.effectiveEndpoint());
            var store = new S3MediaStore(URI.create(s3.effectiveEndpoint()), s3.region(), s3.accessKeyId(),
                    s3.secretAccessKey(), s3.bucket());
            store.ensureBucket();
            return store;
        }
        log.info("Media store: local folder {}", settings.dir().toAbsolutePath());
        return new FileSystemMediaStore(settings.dir());
    }
}
