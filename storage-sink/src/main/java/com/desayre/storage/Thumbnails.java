package com.desayre.storage;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.SinglePixelPackedSampleModel;
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
        var thumb = scaled(source);
        var width = thumb.getWidth();
        var height = thumb.getHeight();
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

    /**
     * Fits the image within {@link #MAX_SIDE} on white: averages whole blocks of pixels first (a box
     * filter: cheap, and no aliasing), then, if it is still too large, a bilinear step of less than 2x.
     * Java2D's bicubic over a full-size image cost as much CPU as decoding it.
     */
    static BufferedImage scaled(BufferedImage source) {
        var side = Math.max(source.getWidth(), source.getHeight());
        var block = Math.max(1, Math.min(side / MAX_SIDE, Math.min(source.getWidth(), source.getHeight())));
        var image = block > 1 ? boxAverage(opaqueRgb(source), block) : source;
        var scale = Math.min(1.0, (double) MAX_SIDE / Math.max(image.getWidth(), image.getHeight()));
        var width = Math.max(1, (int) Math.round(image.getWidth() * scale));
        var height = Math.max(1, (int) Math.round(image.getHeight() * scale));
        if (image.getType() == BufferedImage.TYPE_INT_RGB && width == image.getWidth() && height == image.getHeight()) {
            return image;
        }
        var thumb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = thumb.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, width, height, java.awt.Color.WHITE, null);
        } finally {
            g.dispose();
        }
        return thumb;
    }

    /** The image as packed RGB, transparency flattened onto white; PNG's 3-byte BGR is read directly. */
    private static BufferedImage opaqueRgb(BufferedImage source) {
        if (source.getType() == BufferedImage.TYPE_INT_RGB
                || source.getType() == BufferedImage.TYPE_3BYTE_BGR && source.getRaster().getNumBands() == 3) {
            return source;
        }
        var rgb = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_INT_RGB);
        var g = rgb.createGraphics();
        try {
            g.drawImage(source, 0, 0, java.awt.Color.WHITE, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    /**
     * Each {@code block}x{@code block} square of an INT_RGB or 3BYTE_BGR image averaged into one pixel,
     * read from the image's own arrays (Raster's per-row copies cost more than the averaging).
     */
    private static BufferedImage boxAverage(BufferedImage source, int block) {
        var width = source.getWidth() / block;
        var height = source.getHeight() / block;
        var out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var target = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        var area = block * block;
        var raster = source.getRaster();
        if (source.getType() == BufferedImage.TYPE_INT_RGB) {
            var model = (SinglePixelPackedSampleModel) raster.getSampleModel();
            var stride = model.getScanlineStride();
            var pixels = ((DataBufferInt) raster.getDataBuffer()).getData();
            var base = raster.getDataBuffer().getOffset();
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int r = 0;
                    int g = 0;
                    int b = 0;
                    for (int dy = 0; dy < block; dy++) {
                        var at = base + (y * block + dy) * stride + x * block;
                        for (int dx = 0; dx < block; dx++) {
                            var p = pixels[at + dx];
                            r += (p >> 16) & 0xff;
                            g += (p >> 8) & 0xff;
                            b += p & 0xff;
                        }
                    }
                    target[y * width + x] = (r / area) << 16 | (g / area) << 8 | b / area;
                }
            }
        } else {
            var model = (ComponentSampleModel) raster.getSampleModel();
            var stride = model.getScanlineStride();
            var pixelStride = model.getPixelStride();
            var offsets = model.getBandOffsets(); // bands R, G, B
            var bytes = ((DataBufferByte) raster.getDataBuffer()).getData();
            var base = raster.getDataBuffer().getOffset();
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int r = 0;
                    int g = 0;
                    int b = 0;
                    for (int dy = 0; dy < block; dy++) {
                        var at = base + (y * block + dy) * stride + x * block * pixelStride;
                        for (int dx = 0; dx < block; dx++, at += pixelStride) {
                            r += bytes[at + offsets[0]] & 0xff;
                            g += bytes[at + offsets[1]] & 0xff;
                            b += bytes[at + offsets[2]] & 0xff;
                        }
                    }
                    target[y * width + x] = (r / area) << 16 | (g / area) << 8 | b / area;
                }
            }
        }
        return out;
    }

    private Thumbnails() {
    }
}
