package com.desayre.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.testsupport.StartupFailures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * Every settings record of the gateway, bound from gateway.yml as it ships: it starts; one bad value stops start-up
 * with Boot's report naming the property, where it used to become a default without a word.
 */
class GatewaySettingsValidationTest {
    private static final String SECRET = "a-jwt-secret-of-more-than-32-bytes-for-this-test";

    private final ApplicationContextRunner gateway = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withPropertyValues("spring.config.name=desayre-platform,gateway", "desayre.auth.jwt-secret=" + SECRET,
                    "desayre.auth.admin-password=a-password-for-this-test")
            .withUserConfiguration(AllSettings.class);

    /** The same scan as {@link GatewayApplication}: every {@code @ConfigurationProperties} record of every feature. */
    @Configuration(proxyBeanMethods = false)
    @ConfigurationPropertiesScan(basePackageClasses = GatewayApplication.class)
    static class AllSettings {
    }

    @Test
    void theShippedSettingsStart() {
        gateway.run(context -> assertThat(context).hasNotFailed());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            desayre.auth.session-ttl                 | -30m   | must be longer than or equal to 1 second
            desayre.auth.login.per-ip                | 0      | must be greater than 0
            desayre.auth.login.max-delay             | 30s    | must be at most 10s
            desayre.auth.user-cache-ttl              | -1s    | must be longer than or equal to 0
            desayre.auth.bcrypt-strength             | 3      | must be greater than or equal to 4
            desayre.revocations.poll-interval        | 0s     | must be longer than or equal to 1 milli
            desayre.limits.user.capacity             | 0      | must be greater than 0
            desayre.limits.cost.video                | -5     | must be greater than 0
            desayre.limits.max-in-flight             | 0      | must be greater than 0
            desayre.limits.daily-quota               | -1     | must be greater than or equal to 0
            desayre.limits.redis-timeout             | -500ms | must be longer than or equal to 1 milli
            desayre.limits.outage-failures           | 0      | must be greater than 0
            desayre.limits.outage-lasting            | -1s    | must be longer than or equal to 0
            desayre.queues.stale-after               | 0      | must be greater than 0
            desayre.queues.max-waiting               | -1     | must be greater than or equal to 0
            desayre.queues.gone-after                | -1m    | must be longer than or equal to 1 second
            desayre.stats.top-users                  | 500    | must be less than or equal to 100
            desayre.uploads.max-pixels               | 0      | must be greater than 0
            desayre.uploads.max-concurrent-decodes   | -2     | must be greater than 0
            desayre.gateway.status-ttl               | 0s     | must be longer than or equal to 1 second
            desayre.gateway.keep-alive               | 10ms   | must be longer than or equal to 100 millis
            """)
    void aBadValueStopsStartUpNamingTheProperty(String property, String value, String reason) {
        gateway.withPropertyValues(property + "=" + value).run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("Property: " + camelCase(property), "Reason: " + reason));
    }

    /** Boot names a record's property by its Java path ({@code desayre.auth.session-ttl}: {@code desayre.auth.sessionTtl}). */
    private static String camelCase(String property) {
        return java.util.regex.Pattern.compile("-([a-z])").matcher(property).replaceAll(letter -> letter.group(1).toUpperCase());
    }

    // prices are platform's desayre.pricing now: PlatformSettingsTest.aNegativePriceStopsStartUpNamingTheProperty

    /** `open` is neither `local` nor `closed`: it used to be refused only by chance of the binder, now it is pinned. */
    @Test
    void anUnknownFallbackStopsStartUpNamingTheProperty() {
        gateway.withPropertyValues("desayre.limits.fallback=open").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("desayre.limits.fallback", "open"));
    }

    /** Checks a constraint cannot say (two properties, a data size) stay in the records and still name the property. */
    @Test
    void checksAcrossPropertiesNameThem() {
        gateway.withPropertyValues("desayre.uploads.min-side=5000").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("desayre.uploads.min-side (5000) must not be larger than desayre.uploads.max-side"));
        gateway.withPropertyValues("desayre.uploads.max-size=0B").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("desayre.uploads.max-size must be more than 0 bytes"));
        gateway.withPropertyValues("desayre.revocations.max-staleness=1s").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("desayre.revocations.max-staleness (PT1S) must be at least twice"));
    }

    /** A secret is checked in its record, not by a constraint: Boot's report of a failed constraint prints the value. */
    @Test
    void aShortSecretStopsStartUpWithoutPrintingIt() {
        gateway.withPropertyValues("desayre.auth.jwt-secret=short-secret-value").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("JWT_SECRET must be set to at least 32 bytes").doesNotContain("short-secret-value"));
        gateway.withPropertyValues("desayre.queues.worker-secret=short-worker-secret").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("WORKER_SECRET must be at least 32 bytes").doesNotContain("short-worker-secret"));
    }
}
