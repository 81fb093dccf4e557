package com.desayre.providersim;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.jcodec.api.awt.AWTSequenceEncoder;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.Rational;

/**
 * A real, playable H.264 MP4 (jcodec, pure Java) of a still picture with a slow camera move: the
 * source image of an image-to-video job, or a frame drawn from the prompt for text-to-video. So a
 * person sees their picture move, and a test can decode it and check its length.
 */
final class VideoRenderer {
    static final int FPS = 24;
    /** Longest clip the simulator renders; xAI accepts up to 15 s. */
    static final int MAX_SECONDS = 15;
    /** How far the camera pushes in over the clip: a slow, visible zoom. */
    private static final double ZOOM = 0.18;

    /**
     * @param width   frame width (even: H.264 works on 2x2 chroma blocks)
     * @param seconds clip length
     */
    record Spec(String prompt, long seed, int width, int height, int seconds) {
        Spec {
            width = Math.max(16, width & ~1);
            height = Math.max(16, height & ~1);
            seconds = Math.max(1, Math.min(MAX_SECONDS, seconds));
        }
    }

    private final ImageRenderer images;

    VideoRenderer(ImageRenderer images) {
        this.images = images;
    }

    /** Text-to-video: the prompt's picture, slightly larger than the frame so the camera has room. */
    byte[] render(Spec spec) {
        var still = images.render(new ImageRenderer.Spec(spec.prompt(), spec.seed(),
                clamp((int) (spec.width() * (1 + ZOOM))), clamp((int) (spec.height() * (1 + ZOOM))), 0));
        return encode(still, spec);
    }

    /** Image-to-video: the source picture, cropped to the frame's aspect, with the camera move. */
    byte[] render(BufferedImage source, Spec spec) {
        return encode(source, spec);
    }

    private static byte[] encode(BufferedImage still, Spec spec) {
        int frames = spec.seconds() * FPS;
        // a cover fit of the still, then a push-in and a drift from left to right
        double cover = Math.max((double) spec.width() / still.getWidth(), (double) spec.height() / still.getHeight());
        var frame = new BufferedImage(spec.width(), spec.height(), BufferedImage.TYPE_3BYTE_BGR);
        try {
            var channel = new GrowingChannel(ByteBuffer.allocate(1 << 20));
            var encoder = new AWTSequenceEncoder(channel, Rational.R(FPS, 1));
            for (int i = 0; i < frames; i++) {
                double t = frames == 1 ? 0 : (double) i / (frames - 1);
                double ease = t * t * (3 - 2 * t);
                double scale = cover * (1 + ZOOM * ease);
                double w = still.getWidth() * scale;
                double h = still.getHeight() * scale;
                double x = (spec.width() - w) * (0.35 + 0.3 * ease);
                double y = (spec.height() - h) * 0.5;
                var g = frame.createGraphics();
                try {
                    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                    var move = new AffineTransform();
                    move.translate(x, y);
                    move.scale(scale, scale);
                    g.drawImage(still, move, null);
                    timecode(g, spec, i);
                } finally {
                    g.dispose();
                }
                encoder.encodeImage(frame);
            }
            encoder.finish();
            return channel.bytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small running clock in a corner: motion a person can see even on a flat source. */
    private static void timecode(Graphics2D g, Spec spec, int frame) {
        int size = Math.max(10, spec.height() / 18);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
        var text = String.format("%d.%02d s", frame / FPS, (frame % FPS) * 100 / FPS);
        g.setColor(new Color(0, 0, 0, 140));
        g.drawString(text, size / 2 + 1, spec.height() - size / 2 + 1);
        g.setColor(Color.WHITE);
        g.drawString(text, size / 2, spec.height() - size / 2);
    }

    private static int clamp(int side) {
        return Math.max(ImageRenderer.MIN_SIDE, Math.min(ImageRenderer.MAX_SIDE, side));
    }

    /** jcodec's muxer seeks back to write the index: an in-memory channel that grows as needed. */
    private static final class GrowingChannel implements SeekableByteChannel {
        private ByteBuffer buffer;
        private int size;

        GrowingChannel(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public int write(ByteBuffer from) {
            int n = from.remaining();
            if (buffer.remaining() < n) {
                var bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + n));
                int at = buffer.position();
                bigger.put(buffer.array(), 0, size);
                bigger.position(at);
                buffer = bigger;
            }
            buffer.put(from);
            size = Math.max(size, buffer.position());
            return n;
        }

        @Override
        public long position() {
            return buffer.position();
        }

        @Override
        public SeekableByteChannel setPosition(long position) {
            buffer.position((int) position);
            return this;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public SeekableByteChannel truncate(long newSize) {
            size = (int) Math.min(size, newSize);
            return this;
        }

        @Override
        public int read(ByteBuffer to) {
            throw new UnsupportedOperationException("write only");
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }

        byte[] bytes() {
            var out = new byte[size];
            System.arraycopy(buffer.array(), 0, out, 0, size);
            return out;
        }
    }
}
