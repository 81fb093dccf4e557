package com.desayre.imageworker;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ModelsLabSettings.class)
class ImageWorkerConfiguration {
}
