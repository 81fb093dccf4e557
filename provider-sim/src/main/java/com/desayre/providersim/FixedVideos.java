package com.desayre.providersim;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One plain clip per size and length, encoded on first use and then served from memory ({@link SimulatorSettings#fixedImages()}):
 * drawing and encoding a clip per job costs the simulator seconds of CPU, which in a chaos run on two cores took most of a
 * core from the services it measures. The clip is still a real H.264 MP4 of the asked size and length (its running clock
 * included), so everything DESAYRE does with a video (probe, thumbnail, store) is done as for a drawn one.
 */
final class FixedVideos {
    private record Shape(int width, int height, int seconds) {
    }

    private final VideoRenderer renderer;
    private final FixedImages stills = new FixedImages();
    private final ConcurrentHashMap<Shape, byte[]> byShape = new ConcurrentHashMap<>();

    FixedVideos(VideoRenderer renderer) {
        this.renderer = renderer;
    }

    byte[] mp4(VideoRenderer.Spec spec) {
        return byShape.computeIfAbsent(new Shape(spec.width(), spec.height(), spec.seconds()),
                shape -> renderer.render(stills.image(shape.width(), shape.height()), spec));
    }
}
