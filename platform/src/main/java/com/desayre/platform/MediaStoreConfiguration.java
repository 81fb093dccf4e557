package com.desayre.platform;

import java.io.IOException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Picks the MediaStore implementation from {@link MediaSettings}. */
@AutoConfiguration
@EnableConfigurationProperties(MediaSettings.class)
public class MediaStoreConfiguration {
    private static final Logger log = LoggerFactory.getLogger(MediaStoreConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
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

    /** Present only when {@code desayre.media.link-secret} is set. */
    @Bean
    @ConditionalOnMissingBean
    @Conditional(LinkSecretSet.class)
    MediaLinks mediaLinks(MediaSettings settings) {
        return new MediaLinks(settings.linkSecret(), settings.linkTtl() == null ? java.time.Duration.ofMinutes(30)
                : settings.linkTtl(), java.time.Clock.systemUTC());
    }

    /** The yml always defines the property (empty when DESAYRE_MEDIA_LINK_SECRET is unset), so test for blank. */
    static class LinkSecretSet implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            var secret = context.getEnvironment().getProperty("desayre.media.link-secret");
            return secret != null && !secret.isBlank();
        }
    }
}
