package com.desayre.platform;

import com.desayre.encoder.core.PromptEncoder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;

/** The prompt encoder built from {@link EncoderSettings}; lazy, since only some services use it. */
@AutoConfiguration
@EnableConfigurationProperties(EncoderSettings.class)
public class EncoderConfiguration {

    @Bean
    @Lazy
    @ConditionalOnMissingBean
    PromptEncoder promptEncoder(EncoderSettings settings) {
        return new PromptEncoder(settings.toConfig());
    }
}
