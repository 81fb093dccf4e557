package com.desayre.videoworker;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.testsupport.StartupFailures;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code desayre.xai.*} as video-worker.yml ships it starts; a bad value stops start-up, naming the property. */
class XaiSettingsTest {
    private final ApplicationContextRunner worker = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withPropertyValues("spring.config.name=desayre-platform,video-worker", "desayre.xai.api-key=a-key")
            .withUserConfiguration(Settings.class);

    @EnableConfigurationProperties(XaiSettings.class)
    static class Settings {
    }

    @Test
    void theShippedDefaultsStart() {
        worker.run(context -> {
            assertThat(context).hasNotFailed();
            var settings = context.getBean(XaiSettings.class);
            assertThat(settings.baseUrl()).isEqualTo(XaiSettings.REAL_API);
            assertThat(settings.defaultResolution()).isEqualTo("480p");
        });
    }

    /** Any string used to be taken and sent on as the resolution of every video that did not say its own. */
    @Test
    void anUnknownResolutionStopsStartUpNamingTheProperty() {
        worker.withPropertyValues("desayre.xai.default-resolution=1080p").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("Origin: \"desayre.xai.default-resolution\"", "Value: \"1080p\"",
                "Reason: must be 480p or 720p"));
    }

    @Test
    void aDurationXaiDoesNotTakeStopsStartUp() {
        worker.withPropertyValues("desayre.xai.default-duration=30").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("Origin: \"desayre.xai.default-duration\"", "Reason: must be less than or equal to 15"));
    }

    @Test
    void aNegativeTimeoutStopsStartUp() {
        worker.withPropertyValues("desayre.xai.job-deadline=-15m").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("Origin: \"desayre.xai.job-deadline\"", "Reason: must be longer than or equal to"));
    }
}
