package com.desayre.storage;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.IIOException;
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
    // 64 MP (8192x8192), four times the largest image a provider or an upload gives: a header claiming more (a
    // decompression bomb: a few KB that inflate to gigabytes) gets no thumbnail instead of minutes of CPU
    static final long MAX_PIXELS = 1L << 26;
    private static final float QUALITY = 0.85f;

    record Thumbnail(Path file, int width, int height) {
    }

    /**
     * The thumbnail of an image file, or empty when Java cannot decode the format (e.g. WebP) or the
     * image has more than {@link #MAX_PIXELS}: the original is stored all the same.
     *
     * @throws BadProviderOutputException when the image's data does not decode
     */
    static Optional<Thumbnail> of(Path image) throws IOException, BadProviderOutputException {
        var streamed = PngRows.boxAveraged(image, MAX_SIDE);
        if (streamed.isPresent()) {
            return Optional.of(jpeg(streamed.get()));
        }
        BufferedImage source;
        try (var in = ImageIO.createImageInputStream(image.toFile())) {
            var readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return Optional.empty();
            }
            var reader = readers.next();
            try {
                reader.setInput(in);
                if ((long) reader.getWidth(0) * reader.getHeight(0) > MAX_PIXELS) {
                    return Optional.empty();
                }
                var side = Math.max(reader.getWidth(0), reader.getHeight(0));
                var param = reader.getDefaultReadParam();
                var subsample = Math.max(1, side / (MAX_SIDE * 2));
                param.setSourceSubsampling(subsample, subsample, 0, 0);
                source = reader.read(0, param);
            } catch (IIOException e) {
                // the header read, the image data did not (truncated, corrupt): the file is damaged, not the disk
                throw new BadProviderOutputException("The provider returned a damaged image.");
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
        var block = BoxFilter.blockFor(source.getWidth(), source.getHeight(), MAX_SIDE);
        var image = block > 1 ? boxAverage(opaqueBgr(source), block) : source;
        var scale = Math.min(1.0, (double) MAX_SIDE / Math.max(image.getWidth(), image.getHeight()));
        var width = Math.max(1, (int) Math.round(image.getWidth() * scale));
        var height = Math.max(1, (int) Math.round(image.getHeight() * scale));
        if (isOpaqueBgr(image) && width == image.getWidth() && height == image.getHeight()) {
            return image;
        }
        var thumb = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        var g = thumb.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, width, height, java.awt.Color.WHITE, null);
        } finally {
            g.dispose();
        }
        return thumb;
    }

    /** 3-byte BGR is what PNG RGB, JPEG and video frames decode to, what the box filter reads and the JPEG writer takes as is. */
    private static boolean isOpaqueBgr(BufferedImage image) {
        return image.getType() == BufferedImage.TYPE_3BYTE_BGR && image.getRaster().getNumBands() == 3;
    }

    /** The image as 3-byte BGR, transparency flattened onto white. */
    private static BufferedImage opaqueBgr(BufferedImage source) {
        if (isOpaqueBgr(source)) {
            return source;
        }
        var bgr = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        var g = bgr.createGraphics();
        try {
            g.drawImage(source, 0, 0, java.awt.Color.WHITE, null);
        } finally {
            g.dispose();
        }
        return bgr;
    }

    /** The rows of a decoded 3-byte BGR image through the box filter, read from the image's own array. */
    private static BufferedImage boxAverage(BufferedImage bgr, int block) {
        var raster = bgr.getRaster();
        var model = (ComponentSampleModel) raster.getSampleModel();
        var offsets = model.getBandOffsets(); // bands R, G, B
        var bytes = ((DataBufferByte) raster.getDataBuffer()).getData();
        var base = raster.getDataBuffer().getOffset();
        var box = new BoxFilter(bgr.getWidth(), bgr.getHeight(), block);
        for (int y = 0; y < bgr.getHeight() && !box.done(); y++) {
            box.add(bytes, base + y * model.getScanlineStride(), model.getPixelStride(), offsets[0], offsets[1], offsets[2]);
        }
        return box.image();
    }

    private Thumbnails() {
    }
}
