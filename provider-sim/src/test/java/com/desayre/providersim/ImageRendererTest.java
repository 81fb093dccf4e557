package com.desayre.providersim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageRendererTest {
    private final ImageRenderer renderer = new ImageRenderer();

    @Test
    void rendersADecodablePngOfTheRequestedSize() {
        byte[] png = renderer.renderPng(new ImageRenderer.Spec("a fox in the snow", 7, 1376, 768, 0));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        BufferedImage image = SimClient.decode(png);
        assertThat(image.getWidth()).isEqualTo(1376);
        assertThat(image.getHeight()).isEqualTo(768);
    }

    @Test
    void isDeterministicPerSpec() {
        ImageRenderer.Spec spec = new ImageRenderer.Spec("starry night over the ocean", 99, 320, 200, 1);
        assertThat(renderer.renderPng(spec)).isEqualTo(new ImageRenderer().renderPng(spec));
        assertThat(renderer.renderPng(spec))
                .isNotEqualTo(renderer.renderPng(new ImageRenderer.Spec("starry night over the ocean", 100, 320, 200, 1)))
                .isNotEqualTo(renderer.renderPng(new ImageRenderer.Spec("starry night over the ocean", 99, 320, 200, 2)))
                .isNotEqualTo(renderer.renderPng(new ImageRenderer.Spec("sunny day over the ocean", 99, 320, 200, 1)));
    }

    @Test
    void thePictureIsNotFlat() {
        BufferedImage image = renderer.render(new ImageRenderer.Spec("a green valley", 3, 256, 256, 0));
        int top = image.getRGB(128, 2);
        int bottom = image.getRGB(128, 200);
        assertThat(top).isNotEqualTo(bottom);
    }

    @Test
    void handlesTinyImagesLongPromptsAndEmptyPrompts() {
        String longPrompt = "a very long prompt ".repeat(40) + "unicode ✓ ü 漢字";
        assertThat(SimClient.decode(renderer.renderPng(new ImageRenderer.Spec(longPrompt, 1, 64, 64, 0))).getWidth())
                .isEqualTo(64);
        assertThat(renderer.renderPng(new ImageRenderer.Spec("", 1, 64, 2048, 3))).isNotEmpty();
    }

    @Test
    void rejectsSizesOutOfRange() {
        assertThatThrownBy(() -> new ImageRenderer.Spec("x", 1, 63, 100, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImageRenderer.Spec("x", 1, 100, 2049, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
