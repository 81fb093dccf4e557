package com.desayre.storage;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes a PNG row by row straight into a {@link BoxFilter}: rows are inflated and unfiltered one
 * at a time, and the full-size image is never built. ImageIO's reader builds it (and copies every
 * row into a raster), which cost more CPU than inflating. Handles what providers send — 8- and
 * 16-bit grey, grey+alpha, RGB, RGBA and 8-bit palette images, not interlaced — with transparency
 * flattened onto white. Anything else, or any doubt about the data, answers empty and the caller
 * falls back to ImageIO, which also decides what a damaged file means.
 */
final class PngRows {
    private static final long SIGNATURE = 0x89504E470D0A1A0AL;
    private static final int GREY = 0;
    private static final int RGB = 2;
    private static final int PALETTE = 3;
    private static final int GREY_ALPHA = 4;
    private static final int RGBA = 6;
    // far beyond any real image; a header claiming more is not streamed (ImageIO, subsampling, decides)
    private static final long MAX_ROW_BYTES = 1L << 20;
    // the averaged image's longer side, at most: a thin hostile header must not make a huge one
    private static final int MAX_BOXED_SIDE_PER_MAX_SIDE = 4;

    /** The image box-averaged to about {@code maxSide} on its longer side, or empty when this reader does not take it. */
    static Optional<BufferedImage> boxAveraged(Path png, int maxSide) throws IOException {
        try (var in = new DataInputStream(new BufferedInputStream(Files.newInputStream(png), 64 * 1024))) {
            return new PngRows(in).read(maxSide);
        } catch (EOFException | DataFormatException | RuntimeException e) {
            return Optional.empty(); // ImageIO tries, and decides what a damaged file means
        }
    }

    private final DataInputStream in;
    private int width;
    private int height;
    private int bitDepth;
    private int colorType;
    private byte[] palette; // RGB triples, transparency already flattened onto white

    private PngRows(DataInputStream in) {
        this.in = in;
    }

    private Optional<BufferedImage> read(int maxSide) throws IOException, DataFormatException {
        if (in.readLong() != SIGNATURE || in.readInt() != 13 || in.readInt() != type("IHDR")) {
            return Optional.empty();
        }
        width = in.readInt();
        height = in.readInt();
        bitDepth = in.readUnsignedByte();
        colorType = in.readUnsignedByte();
        var compression = in.readUnsignedByte();
        var filter = in.readUnsignedByte();
        var interlace = in.readUnsignedByte();
        in.readInt(); // CRC
        var depthTaken = bitDepth == 8 || bitDepth == 16 && colorType != PALETTE;
        var typeTaken = colorType == GREY || colorType == RGB || colorType == PALETTE || colorType == GREY_ALPHA || colorType == RGBA;
        if (width <= 0 || height <= 0 || !depthTaken || !typeTaken || compression != 0 || filter != 0 || interlace != 0
                || (long) width * channels() * (bitDepth / 8) > MAX_ROW_BYTES) {
            return Optional.empty();
        }
        var block = BoxFilter.blockFor(width, height, maxSide);
        if ((long) width * height > Thumbnails.MAX_PIXELS || block > BoxFilter.MAX_BLOCK || Math.max(width, height) / block > MAX_BOXED_SIDE_PER_MAX_SIDE * maxSide) {
            return Optional.empty();
        }
        byte[] alphas = null;
        while (true) {
            var length = in.readInt();
            var type = in.readInt();
            if (length < 0) {
                return Optional.empty();
            }
            if (type == type("IDAT")) {
                if (colorType == PALETTE && palette == null) {
                    return Optional.empty();
                }
                if (palette != null) {
                    flattenPalette(alphas);
                }
                return Optional.of(inflateRows(length, block));
            }
            if (type == type("PLTE") && colorType == PALETTE) {
                palette = in.readNBytes(length);
                if (palette.length != length || length % 3 != 0) {
                    return Optional.empty();
                }
            } else if (type == type("tRNS")) {
                if (colorType != PALETTE) {
                    return Optional.empty(); // one colour keyed as transparent: rare, ImageIO does it
                }
                alphas = in.readNBytes(length);
            } else if (type == type("IEND")) {
                return Optional.empty();
            } else {
                in.skipNBytes(length);
            }
            in.readInt(); // CRC
        }
    }

    private BufferedImage inflateRows(int firstChunk, int block) throws IOException, DataFormatException {
        var bytesPerPixel = channels() * bitDepth / 8;
        var stride = width * bytesPerPixel;
        var box = new BoxFilter(width, height, block);
        var inflater = new Inflater();
        try {
            var chunk = new byte[64 * 1024];
            var remaining = firstChunk;
            var row = new byte[stride + 1];
            var previous = new byte[stride + 1];
            var rgb = flattens() ? new byte[width * 3] : null;
            for (int y = 0; y < height && !box.done(); y++) {
                var filled = 0;
                while (filled < row.length) {
                    var n = inflater.inflate(row, filled, row.length - filled);
                    filled += n;
                    if (n == 0) {
                        if (!inflater.needsInput()) {
                            throw new EOFException("image data ends early"); // finished, or wants a dictionary
                        }
                        if (remaining == 0) {
                            remaining = nextDataChunk();
                        }
                        var read = in.read(chunk, 0, Math.min(chunk.length, remaining));
                        if (read < 0) {
                            throw new EOFException("file ends inside image data");
                        }
                        remaining -= read;
                        inflater.setInput(chunk, 0, read);
                    }
                }
                unfilter(row, previous, bytesPerPixel);
                addRow(box, row, rgb, bytesPerPixel);
                var done = previous;
                previous = row;
                row = done;
            }
            return box.image();
        } finally {
            inflater.end();
        }
    }

    /** Skips the current chunk's CRC and opens the next IDAT chunk: its length. */
    private int nextDataChunk() throws IOException {
        in.readInt(); // CRC
        var length = in.readInt();
        if (in.readInt() != type("IDAT") || length < 0) {
            throw new EOFException("image data ends early");
        }
        return length;
    }

    /** Undoes the row's filter (PNG spec section 9) in place; byte 0 is the filter type. */
    private static void unfilter(byte[] row, byte[] previous, int bytesPerPixel) throws DataFormatException {
        var length = row.length;
        switch (row[0]) {
            case 0 -> {
            }
            case 1 -> {
                for (int i = 1 + bytesPerPixel; i < length; i++) {
                    row[i] += row[i - bytesPerPixel];
                }
            }
            case 2 -> {
                for (int i = 1; i < length; i++) {
                    row[i] += previous[i];
                }
            }
            case 3 -> {
                for (int i = 1; i <= bytesPerPixel; i++) {
                    row[i] += (byte) ((previous[i] & 0xff) >>> 1);
                }
                for (int i = 1 + bytesPerPixel; i < length; i++) {
                    row[i] += (byte) (((row[i - bytesPerPixel] & 0xff) + (previous[i] & 0xff)) >>> 1);
                }
            }
            case 4 -> {
                for (int i = 1; i <= bytesPerPixel; i++) {
                    row[i] += previous[i]; // with nothing to the left, Paeth picks the byte above
                }
                for (int i = 1 + bytesPerPixel; i < length; i++) {
                    int a = row[i - bytesPerPixel] & 0xff;
                    int b = previous[i] & 0xff;
                    int c = previous[i - bytesPerPixel] & 0xff;
                    int p = a + b - c;
                    int pa = Math.abs(p - a);
                    int pb = Math.abs(p - b);
                    int pc = Math.abs(p - c);
                    row[i] += (byte) (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }
            }
            default -> throw new DataFormatException("unknown PNG filter " + row[0]);
        }
    }

    /** Hands an unfiltered row (after its filter byte) to the box filter, flattening alpha and palettes first. */
    private void addRow(BoxFilter box, byte[] row, byte[] rgb, int bytesPerPixel) {
        var sample = bitDepth / 8; // 16-bit samples: the high byte is enough for a thumbnail
        switch (colorType) {
            case RGB -> box.add(row, 1, bytesPerPixel, 0, sample, 2 * sample);
            case GREY -> box.add(row, 1, bytesPerPixel, 0, 0, 0);
            case PALETTE -> {
                for (int x = 0; x < width; x++) {
                    var entry = (row[1 + x] & 0xff) * 3;
                    if (entry + 2 >= palette.length) {
                        throw new IllegalStateException("palette index out of range");
                    }
                    rgb[3 * x] = palette[entry];
                    rgb[3 * x + 1] = palette[entry + 1];
                    rgb[3 * x + 2] = palette[entry + 2];
                }
                box.add(rgb, 0, 3, 0, 1, 2);
            }
            default -> { // GREY_ALPHA, RGBA
                var alphaAt = (channels() - 1) * sample;
                var colour = colorType == RGBA ? sample : 0;
                for (int x = 0, at = 1; x < width; x++, at += bytesPerPixel) {
                    var alpha = row[at + alphaAt] & 0xff;
                    rgb[3 * x] = onWhite(row[at] & 0xff, alpha);
                    rgb[3 * x + 1] = onWhite(row[at + colour] & 0xff, alpha);
                    rgb[3 * x + 2] = onWhite(row[at + 2 * colour] & 0xff, alpha);
                }
                box.add(rgb, 0, 3, 0, 1, 2);
            }
        }
    }

    private void flattenPalette(byte[] alphas) {
        if (alphas == null) {
            return;
        }
        for (int i = 0; i < Math.min(alphas.length, palette.length / 3); i++) {
            var alpha = alphas[i] & 0xff;
            for (int c = 0; c < 3; c++) {
                palette[3 * i + c] = onWhite(palette[3 * i + c] & 0xff, alpha);
            }
        }
    }

    private static byte onWhite(int value, int alpha) {
        return (byte) ((value * alpha + 255 * (255 - alpha) + 127) / 255);
    }

    private boolean flattens() {
        return colorType == PALETTE || colorType == GREY_ALPHA || colorType == RGBA;
    }

    private int channels() {
        return switch (colorType) {
            case RGB -> 3;
            case GREY_ALPHA -> 2;
            case RGBA -> 4;
            default -> 1;
        };
    }

    private static int type(String name) {
        return name.charAt(0) << 24 | name.charAt(1) << 16 | name.charAt(2) << 8 | name.charAt(3);
    }
}
