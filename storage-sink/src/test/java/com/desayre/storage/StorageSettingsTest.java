package com.desayre.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.testsupport.StartupFailures;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code desayre.storage.*} as storage-sink.yml ships it starts; a bad value stops start-up, naming the property. */
class StorageSettingsTest {
    private final ApplicationContextRunner sink = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withPropertyValues("spring.config.name=desayre-platform,storage-sink")
            .withUserConfiguration(Settings.class);

    @EnableConfigurationProperties(StorageSettings.class)
    static class Settings {
    }

    @Test
    void theShippedDefaultsStart() {
        sink.run(context -> assertThat(context.getBean(StorageSettings.class).downloadTimeout()).isEqualTo(Duration.ofMinutes(5)));
    }

    @Test
    void aNegativeDownloadTimeoutStopsStartUpNamingTheProperty() {
        sink.withPropertyValues("desayre.storage.download-timeout=-1s").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("Origin: \"desayre.storage.download-timeout\"",
                "Reason: must be longer than or equal to 1 second"));
    }

    @Test
    void aZeroDownloadLimitStopsStartUp() {
        sink.withPropertyValues("desayre.storage.max-download-bytes=0").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("Origin: \"desayre.storage.max-download-bytes\"", "Reason: must be greater than 0"));
    }
}
