package com.desayre.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ThumbnailsTest {

    @Test
    void aFineCheckerboardAveragesToGreyInsteadOfAliasing() {
        var source = new BufferedImage(1024, 1024, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 1024; y++) {
            for (int x = 0; x < 1024; x++) {
                source.setRGB(x, y, (x + y) % 2 == 0 ? 0xffffff : 0x000000);
            }
        }
        var thumb = Thumbnails.scaled(source);
        assertThat(thumb.getWidth()).isEqualTo(512);
        assertThat(thumb.getHeight()).isEqualTo(512);
        assertThat(thumb.getRGB(100, 200) & 0xffffff).isEqualTo(0x7f7f7f);
    }

    @Test
    void aWideImageFitsTheLongerSideAndKeepsItsColours() {
        var source = new BufferedImage(1200, 800, BufferedImage.TYPE_INT_RGB);
        var g = source.createGraphics();
        g.setColor(new java.awt.Color(0x3366cc));
        g.fillRect(0, 0, 1200, 800);
        g.dispose();
        var thumb = Thumbnails.scaled(source);
        assertThat(thumb.getWidth()).isEqualTo(Thumbnails.MAX_SIDE);
        assertThat(thumb.getHeight()).isEqualTo(341);
        assertThat(thumb.getRGB(256, 170) & 0xffffff).isEqualTo(0x3366cc);
    }

    @Test
    void transparencyBecomesWhite() {
        var source = new BufferedImage(2048, 1024, BufferedImage.TYPE_INT_ARGB);
        var thumb = Thumbnails.scaled(source);
        assertThat(thumb.getWidth()).isEqualTo(512);
        assertThat(thumb.getHeight()).isEqualTo(256);
        assertThat(thumb.getRGB(10, 10) & 0xffffff).isEqualTo(0xffffff);
    }

    @Test
    void aSmallImageKeepsItsSize() {
        var thumb = Thumbnails.scaled(new BufferedImage(320, 180, BufferedImage.TYPE_3BYTE_BGR));
        assertThat(thumb.getWidth()).isEqualTo(320);
        assertThat(thumb.getHeight()).isEqualTo(180);
    }
}
