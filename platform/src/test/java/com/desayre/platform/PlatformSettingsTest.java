package com.desayre.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.encoder.core.PromptEncoder;
import com.desayre.testsupport.StartupFailures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code desayre.media.*} and {@code desayre.encoder.*}: the shipped defaults start; a bad value stops start-up, naming it. */
class PlatformSettingsTest {
    @TempDir
    Path data;

    /** A service that uses media and the encoder, with platform's own yml and nothing else configured. */
    private ApplicationContextRunner service() {
        return new ApplicationContextRunner().withInitializer(new ConfigDataApplicationContextInitializer())
                .withPropertyValues("spring.config.name=desayre-platform", "desayre.data-dir=" + data)
                .withUserConfiguration(MediaStoreConfiguration.class, MediaLinksConfiguration.class, EncoderConfiguration.class,
                        PricingConfiguration.class);
    }

    @Test
    void theShippedPricesApplyFromTheirDayAndANewerPriceWinsFromItsOwn() {
        // a list comes whole from one source: a price change restates the model's list
        service().withPropertyValues("desayre.pricing.models.nano-banana-pro[0].from=2025-01-01",
                "desayre.pricing.models.nano-banana-pro[0].per-output=0.134", "desayre.pricing.models.nano-banana-pro[1].from=2030-01-01",
                "desayre.pricing.models.nano-banana-pro[1].per-output=0.2").run(context -> {
            var prices = context.getBean(com.desayre.contracts.PriceList.class);
            assertThat(prices.micros("nano-banana-pro", 1, 0, null, java.time.Instant.parse("2026-12-03T10:00:00Z"))).isEqualTo(134_000);
            assertThat(prices.micros("nano-banana-pro", 1, 0, null, java.time.Instant.parse("2030-01-01T00:00:00Z"))).isEqualTo(200_000);
            assertThat(prices.micros("grok-imagine-video", 0, 6, "720p", java.time.Instant.parse("2026-12-03T10:00:00Z")))
                    .isEqualTo(420_000);
            assertThat(prices.micros("grok-imagine-video", 0, 8, "480p", java.time.Instant.parse("2024-12-31T23:59:59Z")))
                    .as("before its first price a model costs nothing configured").isZero();
        });
    }

    @Test
    void aNegativePriceStopsStartUpNamingTheProperty() {
        service().withPropertyValues("desayre.pricing.models.nano-banana-pro[0].per-output=-0.1").run(context -> assertThat(
                StartupFailures.describe(context.getStartupFailure())).contains("desayre.pricing.models[nano-banana-pro][0].perOutput",
                "Reason: must be greater than or equal to 0"));
    }

    @Test
    void theShippedDefaultsStart() {
        service().run(context -> assertThat(context).hasNotFailed().hasSingleBean(MediaStore.class)
                .hasSingleBean(PromptEncoder.class).doesNotHaveBean(MediaLinks.class));
    }

    @Test
    void aNegativeLinkLifetimeStopsStartUpNamingTheProperty() {
        service().withPropertyValues("desayre.media.link-ttl=-5m").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("Property: desayre.media.linkTtl", "Origin: \"desayre.media.link-ttl\"",
                        "Reason: must be longer than or equal to 1 second"));
    }

    @Test
    void aShortLinkSecretStopsStartUp() {
        service().withPropertyValues("desayre.media.link-secret=too-short").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("Origin: \"desayre.media.link-secret\"",
                "Reason: must be empty (no signed links) or at least 32 characters"));
    }

    @Test
    void anS3EndpointThatIsNotAUrlStopsStartUp() {
        service().withPropertyValues("desayre.media.s3.endpoint=minio:9000").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("Property: desayre.media.s3.endpoint",
                "Reason: must be empty or an http:// or https:// URL"));
    }

    @Test
    void anEncoderModelWithNoPromptBudgetOrAnUnknownProviderStopsStartUp() {
        service().withPropertyValues("desayre.encoder.models.image.prompt-budget=0", "desayre.encoder.models.video.provider=openai")
                .run(context -> assertThat(StartupFailures.describe(context.getStartupFailure())).contains(
                        "Property: desayre.encoder.models[IMAGE].promptBudget", "Reason: must be greater than 0",
                        "Property: desayre.encoder.models[VIDEO].provider", "Reason: must be modelslabs or xai"));
    }

    @Test
    void anEmptyBlocklistTermStopsStartUp() {
        service().withPropertyValues("desayre.encoder.blocklist=csam,,gore").run(context -> assertThat(StartupFailures.describe(
                context.getStartupFailure())).contains("desayre.encoder.blocklist", "an empty term would match every prompt"));
    }
}
