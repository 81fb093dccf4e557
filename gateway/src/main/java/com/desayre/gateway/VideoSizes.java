package com.desayre.gateway;

/** A video's frame size from its aspect ratio and resolution: the short side is the resolution's height. */
final class VideoSizes {

    static int[] of(String aspectRatio, String resolution) {
        var shortSide = "480p".equals(resolution) ? 480 : 720;
        var parts = aspectRatio.split(":");
        var w = Integer.parseInt(parts[0]);
        var h = Integer.parseInt(parts[1]);
        // even sizes: video encoders want them
        return w >= h ? new int[] {even(shortSide * w / (double) h), shortSide} : new int[] {shortSide, even(shortSide * h / (double) w)};
    }

    private static int even(double value) {
        var rounded = (int) Math.round(value);
        return rounded % 2 == 0 ? rounded : rounded + 1;
    }

    private VideoSizes() {
    }
}
