package com.desayre.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes PNGs with the row filters a test asks for. ImageIO's writer filters only palette images
 * (every other row is written with filter 0, "none"), so a decoder tested or measured on its files
 * never undoes Sub, Up, Average or Paeth at more than one byte per pixel; libpng, which writes what
 * providers send, picks a filter per row.
 */
public final class PngEncoder {
    public static final int GREY = 0;
    public static final int RGB = 2;
    public static final int PALETTE = 3;
    public static final int GREY_ALPHA = 4;
    public static final int RGBA = 6;

    /** How each row's filter is chosen. */
    public enum Filters {
        /** Filter 0 on every row, as ImageIO writes. */
        NONE,
        /** Rows take filters 0, 1, 2, 3, 4, 0, ... in turn: every filter at every position. */
        CYCLE,
        /** Per row, the filter with the smallest sum of absolute differences: libpng's default. */
        ADAPTIVE
    }

    /**
     * @param samples   the unfiltered rows one after the other, big-endian for 16-bit samples
     * @param palette   RGB triples for {@link #PALETTE}, else null
     * @param alphas    a tRNS chunk's bytes (palette alphas), or null
     * @param chunkSize image data is split into IDAT chunks of at most this many bytes
     */
    public static byte[] encode(int width, int height, int colorType, int bitDepth, byte[] samples, byte[] palette,
                                byte[] alphas, Filters filters, int chunkSize) {
        var bytesPerPixel = Math.max(1, channels(colorType) * bitDepth / 8);
        var stride = width * channels(colorType) * bitDepth / 8;
        if (samples.length != stride * height) {
            throw new IllegalArgumentException("expected " + stride * height + " bytes of samples, got " + samples.length);
        }
        var compressed = new ByteArrayOutputStream();
        try (var deflate = new DeflaterOutputStream(compressed)) {
            var previous = new byte[stride];
            var row = new byte[stride];
            var candidate = new byte[stride];
            var best = new byte[stride + 1]; // the filter type, then the filtered row
            for (int y = 0; y < height; y++) {
                System.arraycopy(samples, y * stride, row, 0, stride);
                int chosen = 0;
                switch (filters) {
                    case NONE -> System.arraycopy(row, 0, best, 1, stride);
                    case CYCLE -> {
                        chosen = y % 5;
                        filter(chosen, row, previous, bytesPerPixel, candidate);
                        System.arraycopy(candidate, 0, best, 1, stride);
                    }
                    case ADAPTIVE -> {
                        long lowest = Long.MAX_VALUE;
                        for (int type = 0; type < 5; type++) {
                            filter(type, row, previous, bytesPerPixel, candidate);
                            long sum = 0;
                            for (byte b : candidate) {
                                sum += Math.abs(b);
                            }
                            if (sum < lowest) {
                                lowest = sum;
                                chosen = type;
                                System.arraycopy(candidate, 0, best, 1, stride);
                            }
                        }
                    }
                }
                best[0] = (byte) chosen;
                deflate.write(best);
                var swap = previous;
                previous = row;
                row = swap;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var out = new ByteArrayOutputStream();
        try (var data = new DataOutputStream(out)) {
            data.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            var header = new ByteArrayOutputStream();
            var fields = new DataOutputStream(header);
            fields.writeInt(width);
            fields.writeInt(height);
            fields.write(new byte[] {(byte) bitDepth, (byte) colorType, 0, 0, 0});
            chunk(data, "IHDR", header.toByteArray());
            if (palette != null) {
                chunk(data, "PLTE", palette);
            }
            if (alphas != null) {
                chunk(data, "tRNS", alphas);
            }
            var image = compressed.toByteArray();
            for (int at = 0; at < image.length; at += chunkSize) {
                chunk(data, "IDAT", java.util.Arrays.copyOfRange(image, at, Math.min(image.length, at + chunkSize)));
            }
            chunk(data, "IEND", new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static int channels(int colorType) {
        return switch (colorType) {
            case RGB -> 3;
            case GREY_ALPHA -> 2;
            case RGBA -> 4;
            default -> 1;
        };
    }

    /** PNG spec section 9.2: the filtered bytes of {@code row} given the row above. */
    private static void filter(int type, byte[] row, byte[] above, int bpp, byte[] out) {
        for (int i = 0; i < row.length; i++) {
            int x = row[i] & 0xff;
            int a = i >= bpp ? row[i - bpp] & 0xff : 0;
            int b = above[i] & 0xff;
            int c = i >= bpp ? above[i - bpp] & 0xff : 0;
            int predicted = switch (type) {
                case 0 -> 0;
                case 1 -> a;
                case 2 -> b;
                case 3 -> (a + b) >>> 1;
                default -> paeth(a, b, c);
            };
            out[i] = (byte) (x - predicted);
        }
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        var name = type.getBytes(StandardCharsets.US_ASCII);
        out.writeInt(data.length);
        out.write(name);
        out.write(data);
        var crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    private PngEncoder() {
    }
}
