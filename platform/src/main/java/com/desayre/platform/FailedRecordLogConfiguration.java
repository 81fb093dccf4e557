package com.desayre.platform;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The only thing platform auto-configures: every service with Kafka bindings needs its DLQ'd records logged in
 * one line ({@link FailedRecordLog}), so no service has to remember to ask for it.
 */
@AutoConfiguration(afterName = "org.springframework.cloud.stream.function.FunctionConfiguration")
class FailedRecordLogConfiguration {

    @Bean
    @ConditionalOnBean(StreamBridge.class)
    FailedRecordLog failedRecordLog(ApplicationContext context) {
        return new FailedRecordLog(context);
    }
}
