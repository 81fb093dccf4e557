package com.desayre.imageworker;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.testsupport.StartupFailures;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code desayre.modelslabs.*} as image-worker.yml ships it starts; a bad value stops start-up, naming the property. */
class ModelsLabSettingsTest {
    private final ApplicationContextRunner worker = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withPropertyValues("spring.config.name=desayre-platform,image-worker", "desayre.modelslabs.api-key=a-key")
            .withUserConfiguration(Settings.class);

    @EnableConfigurationProperties(ModelsLabSettings.class)
    static class Settings {
    }

    @Test
    void theShippedDefaultsStart() {
        worker.run(context -> {
            assertThat(context).hasNotFailed();
            var settings = context.getBean(ModelsLabSettings.class);
            assertThat(settings.baseUrl()).isEqualTo(ModelsLabSettings.REAL_API);
            assertThat(settings.deadlineOf("nano-banana-pro")).isEqualTo(Duration.ofMinutes(5));
        });
    }

    @Test
    void aBaseUrlThatIsNotAUrlStopsStartUpNamingTheProperty() {
        worker.withPropertyValues("desayre.modelslabs.base-url=modelslab.com").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("Origin: \"desayre.modelslabs.base-url\"",
                "Reason: must be an http:// or https:// URL"));
    }

    @Test
    void anEmptyBaseUrlStopsStartUpNamingTheProperty() {
        worker.withPropertyValues("desayre.modelslabs.base-url=").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("desayre.modelslabs.base-url", "Reason: must be an http:// or https:// URL"));
    }

    @Test
    void aNegativePollWaitOrModelDeadlineStopsStartUp() {
        worker.withPropertyValues("desayre.modelslabs.poll-min=-1s", "desayre.modelslabs.models.nano-banana-pro.job-deadline=0s")
                .run(context -> assertThat(StartupFailures.describe(context.getStartupFailure())).contains(
                        "Origin: \"desayre.modelslabs.poll-min\"", "Reason: must be longer than or equal to",
                        "desayre.modelslabs.models[nano-banana-pro].jobDeadline"));
    }
}
