package com.desayre.storage;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * Shrinks an image by a whole factor, averaging each {@code block}x{@code block} square into one
 * pixel (no aliasing, and cheap), from rows handed over one at a time: the full-size image never
 * has to exist. Columns and rows past the last whole block are left out (less than one block).
 * The result is {@code TYPE_3BYTE_BGR}, the layout the JPEG writer reads without conversion.
 */
final class BoxFilter {
    // floor(sum / area) as (sum * reciprocal) >>> 48, exact while sum * area < 2^48, so for every sum a block of up
    // to MAX_BLOCK can reach (255 * area); a division per channel per pixel cost more than the averaging
    static final int MAX_BLOCK = 1024;

    private final int block;
    private final int width;
    private final int height;
    private final int[] sums;
    private final BufferedImage image;
    private final byte[] bgr;
    private final long reciprocal;
    private int rowsInBlock;
    private int outputRow;

    BoxFilter(int sourceWidth, int sourceHeight, int block) {
        if (block < 1 || block > MAX_BLOCK) {
            throw new IllegalArgumentException("block " + block + " is outside 1.." + MAX_BLOCK);
        }
        this.block = block;
        this.width = Math.max(1, sourceWidth / block);
        this.height = Math.max(1, sourceHeight / block);
        this.sums = new int[width * 3];
        var area = (long) block * block;
        this.reciprocal = ((1L << 48) + area - 1) / area;
        this.image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        this.bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    }

    /** The whole factor that brings an image's longer side to about {@code maxSide} (1 when it already fits). */
    static int blockFor(int width, int height, int maxSide) {
        return Math.max(1, Math.min(Math.max(width, height) / maxSide, Math.min(width, height)));
    }

    /**
     * Adds one source row: pixel {@code x}'s red, green and blue are at
     * {@code row[start + x * pixelStride + red|green|blue]}.
     */
    void add(byte[] row, int start, int pixelStride, int red, int green, int blue) {
        if (outputRow >= height) {
            return;
        }
        if (block == 2) { // 1024 to 2047 pixels: most provider outputs; a loop of two cost more than its body
            for (int x = 0, at = start, sum = 0; x < width; x++, sum += 3, at += 2 * pixelStride) {
                var next = at + pixelStride;
                sums[sum] += (row[at + red] & 0xff) + (row[next + red] & 0xff);
                sums[sum + 1] += (row[at + green] & 0xff) + (row[next + green] & 0xff);
                sums[sum + 2] += (row[at + blue] & 0xff) + (row[next + blue] & 0xff);
            }
        } else {
            for (int x = 0, at = start, sum = 0; x < width; x++, sum += 3) {
                int r = 0;
                int g = 0;
                int b = 0;
                for (int dx = 0; dx < block; dx++, at += pixelStride) {
                    r += row[at + red] & 0xff;
                    g += row[at + green] & 0xff;
                    b += row[at + blue] & 0xff;
                }
                sums[sum] += r;
                sums[sum + 1] += g;
                sums[sum + 2] += b;
            }
        }
        if (++rowsInBlock == block) {
            var base = outputRow * width * 3;
            for (int sum = 0; sum < sums.length; sum += 3) {
                bgr[base + sum] = (byte) ((sums[sum + 2] * reciprocal) >>> 48);
                bgr[base + sum + 1] = (byte) ((sums[sum + 1] * reciprocal) >>> 48);
                bgr[base + sum + 2] = (byte) ((sums[sum] * reciprocal) >>> 48);
            }
            java.util.Arrays.fill(sums, 0);
            rowsInBlock = 0;
            outputRow++;
        }
    }

    /** True once every output row is complete: the rest of the source can be skipped. */
    boolean done() {
        return outputRow >= height;
    }

    BufferedImage image() {
        return image;
    }
}
