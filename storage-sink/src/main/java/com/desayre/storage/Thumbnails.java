package com.desayre.storage;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.scale.AWTUtil;

/**
 * A web-sized JPEG of an image (or of a video's first frame), so galleries never load full-size media. Large images are
 * decoded subsampled, so a huge provider output never has to fit in the heap at full size.
 */
final class Thumbnails {
    static final int MAX_SIDE = 512;
    private static final float QUALITY = 0.85f;

    record Thumbnail(Path file, int width, int height) {
    }

    /** The thumbnail of an image file, or empty when Java cannot decode the format (e.g. WebP). */
    static Optional<Thumbnail> of(Path image) throws IOException {
        BufferedImage source;
        try (var in = ImageIO.createImageInputStream(image.toFile())) {
            var readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return Optional.empty();
            }
            var reader = readers.next();
            try {
                reader.setInput(in);
                var side = Math.max(reader.getWidth(0), reader.getHeight(0));
                var param = reader.getDefaultReadParam();
                var subsample = Math.max(1, side / (MAX_SIDE * 2));
                param.setSourceSubsampling(subsample, subsample, 0, 0);
                source = reader.read(0, param);
            } finally {
                reader.dispose();
            }
        }
        return Optional.of(jpeg(source));
    }

    /**
     * A poster for a video: its first frame, decoded (jcodec, H.264 in MP4), as a thumbnail. Empty
     * when the video cannot be decoded (another codec): the video is stored all the same.
     */
    static Optional<Thumbnail> ofVideo(Path video) throws IOException {
        BufferedImage first;
        try (var channel = NIOUtils.readableChannel(video.toFile())) {
            var frame = FrameGrab.createFrameGrab(channel).getNativeFrame();
            if (frame == null) {
                return Optional.empty();
            }
            first = AWTUtil.toBufferedImage(frame);
        } catch (JCodecException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of(jpeg(first));
    }

    private static Thumbnail jpeg(BufferedImage source) throws IOException {
        var scale = Math.min(1.0, (double) MAX_SIDE / Math.max(source.getWidth(), source.getHeight()));
        var width = Math.max(1, (int) Math.round(source.getWidth() * scale));
        var height = Math.max(1, (int) Math.round(source.getHeight() * scale));
        var thumb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = thumb.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, java.awt.Color.WHITE, null);
        } finally {
            g.dispose();
        }
        var file = Files.createTempFile("desayre-thumb-", ".jpg");
        var writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (var out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            var param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY);
            writer.write(null, new IIOImage(thumb, null, null), param);
        } finally {
            writer.dispose();
        }
        return new Thumbnail(file, width, height);
    }

    private Thumbnails() {
    }
}
