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
                .withUserConfiguration(MediaStoreConfiguration.class, MediaLinksConfiguration.class, EncoderConfiguration.class);
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
