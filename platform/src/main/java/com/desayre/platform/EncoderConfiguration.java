package com.desayre.platform;

import com.desayre.encoder.core.PromptEncoder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The prompt encoder built from {@link EncoderSettings}. Not auto-configured: a service that encodes
 * prompts (prompt-encoder, the gateway's preview) says so with {@code @Import(EncoderConfiguration.class)}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EncoderSettings.class)
public class EncoderConfiguration {

    @Bean
    PromptEncoder promptEncoder(EncoderSettings settings) {
        return new PromptEncoder(settings.toConfig());
    }
}
