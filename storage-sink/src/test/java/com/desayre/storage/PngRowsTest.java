package com.desayre.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.desayre.testsupport.PngEncoder;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
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
 * averaging the same blocks gives. The test images are written by {@link PngEncoder} with every row
 * filter in turn (ImageIO's own writer uses filter 0 except for palettes) and image data split into
 * small IDAT chunks; sizes leave part of a block over at the right and bottom.
 */
class PngRowsTest {
    @TempDir
    Path dir;

    enum Layout {
        GREY(PngEncoder.GREY, 8),
        GREY_16(PngEncoder.GREY, 16),
        GREY_ALPHA(PngEncoder.GREY_ALPHA, 8),
        GREY_ALPHA_16(PngEncoder.GREY_ALPHA, 16),
        RGB(PngEncoder.RGB, 8),
        RGB_16(PngEncoder.RGB, 16),
        RGBA(PngEncoder.RGBA, 8),
        RGBA_16(PngEncoder.RGBA, 16),
        PALETTE_WITH_TRANSPARENCY(PngEncoder.PALETTE, 8);

        final int colorType;
        final int bitDepth;

        Layout(int colorType, int bitDepth) {
            this.colorType = colorType;
            this.bitDepth = bitDepth;
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void everyLayoutAndFilterMatchesImageIo(Layout layout) throws Exception {
        var png = write(layout, 1101, 703, PngEncoder.Filters.CYCLE, 1000, new Random(layout.ordinal()));

        var streamed = PngRows.boxAveraged(png, Thumbnails.MAX_SIDE);

        assertThat(streamed).as("streamed").isPresent();
        assertThat(streamed.get().getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
        assertThat(streamed.get().getWidth()).isEqualTo(550);
        assertThat(streamed.get().getHeight()).isEqualTo(351);
        var exact = layout.bitDepth == 8 && (layout.colorType == PngEncoder.RGB || layout.colorType == PngEncoder.GREY);
        // 16-bit: ImageIO rounds to 8 bits where the reader takes the high byte; alpha: rounding while flattening
        assertThat(maxDifference(streamed.get(), reference(ImageIO.read(png.toFile()), 2))).isLessThanOrEqualTo(exact ? 0 : 2);
    }

    @Test
    void aLargeAdaptivelyFilteredImageIsAveragedInBiggerBlocks() throws Exception {
        var png = write(Layout.RGB, 2103, 1601, PngEncoder.Filters.ADAPTIVE, 64 * 1024, new Random(7));

        var streamed = PngRows.boxAveraged(png, Thumbnails.MAX_SIDE).orElseThrow();

        assertThat(streamed.getWidth()).isEqualTo(525);
        assertThat(streamed.getHeight()).isEqualTo(400);
        assertThat(maxDifference(streamed, reference(ImageIO.read(png.toFile()), 4))).isZero();
    }

    @Test
    void anInterlacedPngIsLeftToImageIo() throws Exception {
        var image = new BufferedImage(300, 200, BufferedImage.TYPE_3BYTE_BGR);
        var out = new ByteArrayOutputStream();
        var writer = ImageIO.getImageWritersByFormatName("png").next();
        try (var stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            var param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT); // Adam7
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        var png = Files.write(dir.resolve("interlaced.png"), out.toByteArray());

        assertThat(PngRows.boxAveraged(png, Thumbnails.MAX_SIDE)).isEmpty();
        var thumb = Thumbnails.of(png).orElseThrow();
        assertThat(thumb.width()).isEqualTo(300);
        Files.delete(thumb.file());
    }

    @Test
    void truncatedForeignOrHostileFilesAreLeftToImageIo() throws Exception {
        var whole = Files.readAllBytes(write(Layout.RGBA, 1024, 1024, PngEncoder.Filters.CYCLE, 8192, new Random(3)));
        var truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(whole, whole.length / 2));
        var jpeg = dir.resolve("photo.jpg");
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR), "jpeg", jpeg.toFile());
        var garbage = Files.write(dir.resolve("garbage.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        // one pixel wide and 4 million high: no block shrinks it, so its box output would be 4 million pixels long
        var thin = Files.write(dir.resolve("thin.png"),
                PngEncoder.encode(1, 4_000_000, PngEncoder.GREY, 8, new byte[4_000_000], null, null, PngEncoder.Filters.NONE, 1 << 20));
        var badIndex = Files.write(dir.resolve("bad-index.png"), PngEncoder.encode(4, 4, PngEncoder.PALETTE, 8, filled(16, (byte) 200),
                new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255}, null, PngEncoder.Filters.NONE, 1000));

        assertThat(PngRows.boxAveraged(truncated, Thumbnails.MAX_SIDE)).isEmpty();
        assertThat(PngRows.boxAveraged(jpeg, Thumbnails.MAX_SIDE)).isEmpty();
        assertThat(PngRows.boxAveraged(garbage, Thumbnails.MAX_SIDE)).isEmpty();
        assertThat(PngRows.boxAveraged(thin, Thumbnails.MAX_SIDE)).isEmpty();
        assertThat(PngRows.boxAveraged(badIndex, Thumbnails.MAX_SIDE)).isEmpty();
    }

    @Test
    void aPngClaimingMoreThanThePixelBudgetGetsNoThumbnailButOneJustUnderIsDamaged() throws Exception {
        // a 1x1 image whose header claims 10,000 x 10,000: a few bytes that would inflate to 300 MB if they were real
        var png = PngEncoder.encode(1, 1, PngEncoder.RGB, 8, new byte[3], null, null, PngEncoder.Filters.NONE, 1000);
        var header = ByteBuffer.wrap(png);
        header.putInt(16, 10_000).putInt(20, 10_000);
        var crc = new CRC32();
        crc.update(png, 12, 17); // "IHDR" and its 13 bytes
        header.putInt(29, (int) crc.getValue());
        var bomb = Files.write(dir.resolve("bomb.png"), png);

        assertThat(PngRows.boxAveraged(bomb, Thumbnails.MAX_SIDE)).isEmpty();
        assertThat(Thumbnails.of(bomb)).isEmpty();

        header.putInt(16, 8000).putInt(20, 8000);
        crc.reset();
        crc.update(png, 12, 17);
        header.putInt(29, (int) crc.getValue());
        var damaged = Files.write(dir.resolve("damaged.png"), png);
        assertThatThrownBy(() -> Thumbnails.of(damaged)).isInstanceOf(BadProviderOutputException.class);
    }

    @Test
    void aThumbnailOfATransparentPngIsAJpegOnWhite() throws Exception {
        // left half opaque red, right half fully transparent
        var samples = new byte[1024 * 768 * 4];
        for (int y = 0; y < 768; y++) {
            for (int x = 0; x < 512; x++) {
                var at = (y * 1024 + x) * 4;
                samples[at] = (byte) 255;
                samples[at + 3] = (byte) 255;
            }
        }
        var png = Files.write(dir.resolve("half.png"),
                PngEncoder.encode(1024, 768, PngEncoder.RGBA, 8, samples, null, null, PngEncoder.Filters.ADAPTIVE, 8192));

        var thumb = Thumbnails.of(png).orElseThrow();

        assertThat(thumb.width()).isEqualTo(512);
        assertThat(thumb.height()).isEqualTo(384);
        var decoded = ImageIO.read(thumb.file().toFile());
        assertThat(closeTo(decoded.getRGB(100, 200), 0xff0000)).as("red side").isTrue();
        assertThat(closeTo(decoded.getRGB(400, 200), 0xffffff)).as("transparent side, on white").isTrue();
        Files.delete(thumb.file());
    }

    /** Gradients under noise, random low bytes in 16-bit samples; alpha sweeps from clear to opaque across. */
    private Path write(Layout layout, int width, int height, PngEncoder.Filters filters, int chunkSize, Random random)
            throws Exception {
        var channels = PngEncoder.channels(layout.colorType);
        var sampleBytes = layout.bitDepth / 8;
        var samples = new byte[width * height * channels * sampleBytes];
        var hasAlpha = layout.colorType == PngEncoder.GREY_ALPHA || layout.colorType == PngEncoder.RGBA;
        for (int y = 0, at = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    var high = hasAlpha && c == channels - 1 ? x * 255 / width
                            : layout.colorType == PngEncoder.PALETTE ? random.nextInt(256)
                            : ((x + y * (c + 1)) % 256 + random.nextInt(32)) % 256;
                    samples[at++] = (byte) high;
                    if (sampleBytes == 2) {
                        samples[at++] = (byte) random.nextInt(256);
                    }
                }
            }
        }
        byte[] palette = null;
        byte[] alphas = null;
        if (layout.colorType == PngEncoder.PALETTE) {
            palette = new byte[256 * 3];
            alphas = new byte[200]; // shorter than the palette: the rest are opaque
            for (int i = 0; i < 256; i++) {
                palette[3 * i] = (byte) i;
                palette[3 * i + 1] = (byte) (255 - i);
                palette[3 * i + 2] = (byte) (i * 7);
                if (i < alphas.length) {
                    alphas[i] = (byte) (i < 128 ? i * 2 : 255);
                }
            }
        }
        var png = PngEncoder.encode(width, height, layout.colorType, layout.bitDepth, samples, palette, alphas, filters, chunkSize);
        return Files.write(Files.createTempFile(dir, "image-", ".png"), png);
    }

    private static byte[] filled(int length, byte value) {
        var bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }

    private static boolean closeTo(int rgb, int expected) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs((rgb >> shift & 0xff) - (expected >> shift & 0xff)) > 12) {
                return false;
            }
        }
        return true;
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
