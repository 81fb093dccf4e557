package com.desayre.providersim;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One plain PNG per size, encoded on first use and then served from memory ({@link SimulatorSettings#fixedImages()}):
 * a provider whose images cost next to nothing, so a benchmark measures the pipeline, not Java2D drawing a landscape.
 * A flat colour compresses to a few KB at any size, yet decodes to the width and height the job asked for.
 */
final class FixedImages {
    private static final Color GREY = new Color(0x80, 0x80, 0x80);

    private final ConcurrentHashMap<Long, byte[]> bySize = new ConcurrentHashMap<>();

    byte[] png(int width, int height) {
        return bySize.computeIfAbsent(((long) width << 32) | height, size -> ImageRenderer.encodePng(plain(width, height)));
    }

    /** The plain picture itself, e.g. as the still of a fixed video. */
    BufferedImage image(int width, int height) {
        return plain(width, height);
    }

    private static BufferedImage plain(int width, int height) {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        try {
            g.setColor(GREY);
            g.fillRect(0, 0, width, height);
        } finally {
            g.dispose();
        }
        return image;
    }
}
