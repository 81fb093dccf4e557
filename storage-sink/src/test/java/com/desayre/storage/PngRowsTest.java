package com.desayre.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The streamed PNG decoder against ImageIO's: for every PNG layout providers send, the box-averaged
 * thumbnail must match what decoding the whole image with ImageIO, flattening it onto white and
 * averaging the same blocks gives. Noisy content makes ImageIO's writer use every row filter.
 */
class PngRowsTest {
    @TempDir
    Path dir;

    enum Layout {
        RGB(BufferedImage.TYPE_3BYTE_BGR),
        RGBA(BufferedImage.TYPE_INT_ARGB),
        GREY(BufferedImage.TYPE_BYTE_GRAY),
        GREY_16(BufferedImage.TYPE_USHORT_GRAY),
        PALETTE_WITH_TRANSPARENCY(-1),
        RGB_16(-2),
        GREY_ALPHA(-3),
        RGBA_16(-4);

        final int type;

        Layout(int type) {
            this.type = type;
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void everyLayoutMatchesImageIo(Layout layout) throws Exception {
        var image = noisy(layout, 1100, 700, new Random(layout.ordinal()));
        var png = write(image, false);

        var streamed = PngRows.boxAveraged(png, Thumbnails.MAX_SIDE);

        assertThat(streamed).as("streamed").isPresent();
        var expected = reference(ImageIO.read(png.toFile()), 2);
        assertThat(streamed.get().getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
        assertThat(streamed.get().getWidth()).isEqualTo(550);
        assertThat(streamed.get().getHeight()).isEqualTo(350);
        assertThat(maxDifference(streamed.get(), expected)).isLessThanOrEqualTo(layout == Layout.RGB || layout == Layout.GREY ? 0 : 2);
    }

    @Test
    void aLargeImageIsAveragedInBiggerBlocks() throws Exception {
        var png = write(noisy(Layout.RGB, 2100, 1600, new Random(7)), false);

        var streamed = PngRows.boxAveraged(png, Thumbnails.MAX_SIDE).orElseThrow();

        assertThat(streamed.getWidth()).isEqualTo(525);
        assertThat(streamed.getHeight()).isEqualTo(400);
        assertThat(maxDifference(streamed, reference(ImageIO.read(png.toFile()), 4))).isZero();
    }

    @Test
    void anInterlacedPngIsLeftToImageIo() throws Exception {
        var png = write(noisy(Layout.RGB, 300, 200, new Random(1)), true);

        assertThat(PngRows.boxAveraged(png, Thumbnails.MAX_SIDE)).isEmpty();
        var thumb = Thumbnails.of(png).orElseThrow();
        assertThat(thumb.width()).isEqualTo(300);
        Files.delete(thumb.file());
    }

    @Test
    void truncatedOrForeignFilesAreLeftToImageIo() throws Exception {
        var whole = Files.readAllBytes(write(noisy(Layout.RGBA, 1024, 1024, new Random(3)), false));
        var truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(whole, whole.length / 2));
        var jpeg = dir.resolve("photo.jpg");
        ImageIO.write(noisy(Layout.RGB, 64, 64, new Random(4)), "jpeg", jpeg.toFile());
        var garbage = Files.write(dir.resolve("garbage.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});

        assertThat(PngRows.boxAveraged(truncated, Thumbnails.MAX_SIDE)).isEmpty();
        assertThat(PngRows.boxAveraged(jpeg, Thumbnails.MAX_SIDE)).isEmpty();
        assertThat(PngRows.boxAveraged(garbage, Thumbnails.MAX_SIDE)).isEmpty();
    }

    @Test
    void aThumbnailOfAPngIsAJpegOfTheAveragedImage() throws Exception {
        var png = write(noisy(Layout.RGBA, 1024, 768, new Random(5)), false);

        var thumb = Thumbnails.of(png).orElseThrow();

        assertThat(thumb.width()).isEqualTo(512);
        assertThat(thumb.height()).isEqualTo(384);
        var decoded = ImageIO.read(thumb.file().toFile());
        assertThat(decoded.getWidth()).isEqualTo(512);
        Files.delete(thumb.file());
    }

    /** Gradients under noise; alpha (where the layout has it) sweeps from clear to opaque. */
    private static BufferedImage noisy(Layout layout, int width, int height, Random random) {
        var image = switch (layout.type) {
            case -1 -> new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, palette());
            case -2 -> sixteenBit(width, height, false, 3);
            case -3 -> sixteenBit(width, height, true, 1, DataBuffer.TYPE_BYTE);
            case -4 -> sixteenBit(width, height, true, 3);
            default -> new BufferedImage(width, height, layout.type);
        };
        var raster = image.getRaster();
        var bands = raster.getNumBands();
        var max = (1 << image.getColorModel().getComponentSize(0)) - 1;
        var pixel = new int[bands];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (layout.type == BufferedImage.TYPE_INT_ARGB) {
                    var alpha = x * 255 / width;
                    image.setRGB(x, y, alpha << 24 | ((x + random.nextInt(40)) & 0xff) << 16 | (y & 0xff) << 8 | random.nextInt(256));
                    continue;
                }
                for (int b = 0; b < bands; b++) {
                    var alphaBand = image.getColorModel().hasAlpha() && b == bands - 1;
                    pixel[b] = alphaBand ? x * max / width
                            : layout.type == -1 ? random.nextInt(256)
                            : (int) ((((x + y * (b + 1)) % 256) + random.nextInt(32)) % 256 * (long) max / 255);
                }
                raster.setPixel(x, y, pixel);
            }
        }
        return image;
    }

    private static BufferedImage sixteenBit(int width, int height, boolean alpha, int colours) {
        return sixteenBit(width, height, alpha, colours, DataBuffer.TYPE_USHORT);
    }

    private static BufferedImage sixteenBit(int width, int height, boolean alpha, int colours, int dataType) {
        var space = ColorSpace.getInstance(colours == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        var model = new ComponentColorModel(space, alpha, false, alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, dataType);
        return new BufferedImage(model, model.createCompatibleWritableRaster(width, height), false, null);
    }

    private static IndexColorModel palette() {
        var r = new byte[256];
        var g = new byte[256];
        var b = new byte[256];
        var a = new byte[256];
        for (int i = 0; i < 256; i++) {
            r[i] = (byte) i;
            g[i] = (byte) (255 - i);
            b[i] = (byte) (i * 7);
            a[i] = (byte) (i < 128 ? i * 2 : 255);
        }
        return new IndexColorModel(8, 256, r, g, b, a);
    }

    private Path write(BufferedImage image, boolean interlaced) throws Exception {
        var out = new ByteArrayOutputStream();
        var writer = ImageIO.getImageWritersByFormatName("png").next();
        try (var stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            var param = writer.getDefaultWriteParam();
            param.setProgressiveMode(interlaced ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return Files.write(Files.createTempFile(dir, "image-", ".png"), out.toByteArray());
    }

    /** ImageIO's full decode, flattened onto white, averaged per block: what the streamed reader must give. */
    private static int[][] reference(BufferedImage decoded, int block) {
        var width = decoded.getWidth() / block;
        var height = decoded.getHeight() / block;
        var out = new int[height][width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = 0;
                int g = 0;
                int b = 0;
                for (int dy = 0; dy < block; dy++) {
                    for (int dx = 0; dx < block; dx++) {
                        var argb = argb(decoded, x * block + dx, y * block + dy);
                        var alpha = argb >>> 24;
                        r += onWhite(argb >> 16 & 0xff, alpha);
                        g += onWhite(argb >> 8 & 0xff, alpha);
                        b += onWhite(argb & 0xff, alpha);
                    }
                }
                var area = block * block;
                out[y][x] = (r / area) << 16 | (g / area) << 8 | b / area;
            }
        }
        return out;
    }

    /**
     * A pixel as 8-bit ARGB. Grey images are read from their raster: Java's getRGB converts grey
     * from a linear scale, while a PNG's grey samples are on the same scale as its colours.
     */
    private static int argb(BufferedImage image, int x, int y) {
        if (image.getColorModel().getColorSpace().getType() != ColorSpace.TYPE_GRAY) {
            return image.getRGB(x, y);
        }
        var raster = image.getRaster();
        var shift = image.getColorModel().getComponentSize(0) - 8;
        var grey = raster.getSample(x, y, 0) >> shift;
        var alpha = raster.getNumBands() > 1 ? raster.getSample(x, y, 1) >> shift : 255;
        return alpha << 24 | grey << 16 | grey << 8 | grey;
    }

    private static int onWhite(int value, int alpha) {
        return (value * alpha + 255 * (255 - alpha) + 127) / 255;
    }

    private static int maxDifference(BufferedImage actual, int[][] expected) {
        var worst = 0;
        for (int y = 0; y < expected.length; y++) {
            for (int x = 0; x < expected[y].length; x++) {
                var a = actual.getRGB(x, y);
                var e = expected[y][x];
                for (int shift = 0; shift <= 16; shift += 8) {
                    worst = Math.max(worst, Math.abs((a >> shift & 0xff) - (e >> shift & 0xff)));
                }
            }
        }
        return worst;
    }
}
