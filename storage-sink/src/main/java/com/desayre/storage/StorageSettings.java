package com.desayre.storage;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

@ConfigurationProperties("desayre.storage")
record StorageSettings(long maxDownloadBytes, Duration downloadTimeout) {
}
