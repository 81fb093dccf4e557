package com.desayre.platform;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;

@AutoConfiguration(afterName = "org.springframework.cloud.stream.function.FunctionConfiguration")
class JobEventsConfiguration {

    @Bean
    @ConditionalOnBean(StreamBridge.class)
    JobEvents jobEvents(StreamBridge bridge) {
        return new JobEvents(bridge);
    }

    @Bean
    @ConditionalOnBean(StreamBridge.class)
    FailedRecordLog failedRecordLog(org.springframework.context.ApplicationContext context) {
        return new FailedRecordLog(context);
    }
}
