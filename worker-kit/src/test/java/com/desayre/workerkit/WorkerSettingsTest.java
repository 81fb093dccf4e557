package com.desayre.workerkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.testsupport.StartupFailures;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** {@code desayre.<worker>.*} is bound under the worker's own prefix and checked: a bad value stops start-up, naming it. */
class WorkerSettingsTest {
    private static final Validator VALIDATOR = Validation.buildDefaultValidatorFactory().getValidator();

    /** A worker with the values image-worker.yml ships. */
    private final ApplicationContextRunner worker = new ApplicationContextRunner().withUserConfiguration(Settings.class)
            .withPropertyValues("desayre.test-worker.tick=500ms", "desayre.test-worker.max-calls=256",
                    "desayre.test-worker.claim-batch=100", "desayre.test-worker.lease=2m", "desayre.test-worker.shutdown-grace=10s",
                    "desayre.test-worker.retention=14d", "desayre.test-worker.resubmit-unknown-outcome=true");

    @Configuration(proxyBeanMethods = false)
    static class Settings {
        @Bean
        WorkerSettings workerSettings(Environment environment) {
            return WorkerSettings.bind(environment, "test-worker", VALIDATOR);
        }
    }

    @Test
    void theShippedValuesBindAndWhatIsUnsetKeepsItsDefault() {
        worker.run(context -> {
            var settings = context.getBean(WorkerSettings.class);
            assertThat(settings.maxCalls()).isEqualTo(256);
            assertThat(settings.heartbeatEvery()).isEqualTo(Duration.ofSeconds(5));
            assertThat(settings.tellsProgress()).isFalse();
        });
    }

    @Test
    void aNegativeCallLimitStopsStartUpNamingTheProperty() {
        worker.withPropertyValues("desayre.test-worker.max-calls=-1").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("Origin: \"desayre.test-worker.max-calls\"", "Value: \"-1\"",
                "Reason: must be greater than 0"));
    }

    /** It used to fall back to 5 s without a word. */
    @Test
    void aZeroHeartbeatIsRefusedNotQuietlyReplaced() {
        worker.withPropertyValues("desayre.test-worker.heartbeat-every=0s").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("desayre.test-worker.heartbeat-every", "Reason: must be longer than or equal to"));
    }

    @Test
    void aMissingLeaseStopsStartUp() {
        new ApplicationContextRunner().withUserConfiguration(Settings.class).withPropertyValues("desayre.test-worker.tick=1s")
                .run(context -> assertThat(StartupFailures.describe(context.getStartupFailure()))
                        .contains("lease", "Reason: must not be null"));
    }
}
