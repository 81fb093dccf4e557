package com.desayre.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.encoder.core.PromptEncoder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** What a service gets from platform: nothing it did not import, and each import brings its own piece only. */
class PlatformWiringTest {
    @TempDir
    Path media;

    /** A service with platform on its classpath: platform's auto-configurations, read from its imports file as Boot does. */
    private ApplicationContextRunner service() {
        var autoConfigured = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates().stream()
                .filter(name -> name.startsWith("com.desayre.platform.")).map(PlatformWiringTest::load).toArray(Class<?>[]::new);
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(autoConfigured))
                .withPropertyValues("desayre.media.dir=" + media, "desayre.media.link-secret=a-link-secret-of-at-least-32-bytes!");
    }

    @Test
    void aServiceThatImportsNothingGetsNoEncoderMediaStoreLinksOrJobEvents() {
        service().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(PromptEncoder.class).doesNotHaveBean(MediaStore.class)
                    .doesNotHaveBean(MediaLinks.class).doesNotHaveBean(JobEvents.class).doesNotHaveBean(EncoderSettings.class)
                    .doesNotHaveBean(MediaSettings.class);
        });
    }

    @Test
    void importingTheLinksBringsNoMediaStore() {
        service().withUserConfiguration(MediaLinksConfiguration.class).run(context -> assertThat(context)
                .hasSingleBean(MediaLinks.class).doesNotHaveBean(MediaStore.class).doesNotHaveBean(PromptEncoder.class));
    }

    @Test
    void linksNeedASecret() {
        service().withPropertyValues("desayre.media.link-secret=").withUserConfiguration(MediaLinksConfiguration.class)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MediaLinks.class));
    }

    @Test
    void importingTheMediaStoreBringsAFolderStoreAndNoLinks() {
        service().withUserConfiguration(MediaStoreConfiguration.class).run(context -> {
            assertThat(context).getBean(MediaStore.class).isInstanceOf(FileSystemMediaStore.class);
            assertThat(context).doesNotHaveBean(MediaLinks.class).doesNotHaveBean(PromptEncoder.class);
        });
    }

    @Test
    void importingTheEncoderBringsOnlyTheEncoder() {
        service().withUserConfiguration(EncoderConfiguration.class).run(context -> assertThat(context)
                .hasSingleBean(PromptEncoder.class).doesNotHaveBean(MediaStore.class).doesNotHaveBean(MediaLinks.class));
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
