package com.desayre.platform;

import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@link MediaLinks}, present only when {@code desayre.media.link-secret} is set. Not auto-configured: the services
 * that sign links (the workers, through worker-kit) or check them (the gateway) import it. It needs no media store:
 * a worker signs a link to an object it never reads.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MediaSettings.class)
public class MediaLinksConfiguration {

    @Bean
    @Conditional(LinkSecretSet.class)
    MediaLinks mediaLinks(MediaSettings settings) {
        return new MediaLinks(settings.linkSecret(), settings.linkTtl() == null ? Duration.ofMinutes(30) : settings.linkTtl(),
                Clock.systemUTC());
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
