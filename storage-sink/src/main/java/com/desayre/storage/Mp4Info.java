package com.desayre.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A video's duration and picture size from its MP4 boxes: {@code moov/mvhd} (timescale and
 * duration) and the {@code tkhd} of its first video track ({@code mdia/hdlr} = {@code vide}). Only
 * box headers and the few boxes it needs are read, seeking past everything else, so {@code moov}
 * may come before or after {@code mdat} and the video is never in the heap.
 */
final class Mp4Info {
    /** Deeper or longer than any real file needs: a damaged file must not send the parser round in circles. */
    private static final int MAX_BOXES = 10_000;
    private static final int MAX_HEADER_BOX = 4096;

    record Video(long durationMillis, int width, int height) {
    }

    private final FileChannel channel;
    private int boxesRead;

    private Mp4Info(FileChannel channel) {
        this.channel = channel;
    }

    /** Empty when the file has no {@code moov/mvhd}, or its boxes do not add up. */
    static Optional<Video> read(Path file) throws IOException {
        try (var channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return new Mp4Info(channel).top();
        } catch (MalformedMp4 | EOFException e) {
            return Optional.empty();
        }
    }

    private Optional<Video> top() throws IOException {
        var size = channel.size();
        for (var box = box(0, size); box != null; box = box(box.end(), size)) {
            if (box.is("moov")) {
                return moov(box);
            }
        }
        return Optional.empty();
    }

    private Optional<Video> moov(Box moov) throws IOException {
        long timescale = 0;
        long duration = 0;
        int width = 0;
        int height = 0;
        for (var box = box(moov.body(), moov.end()); box != null; box = box(box.end(), moov.end())) {
            if (box.is("mvhd")) {
                var mvhd = read(box, 32);
                var version = mvhd.get(0);
                timescale = Integer.toUnsignedLong(mvhd.getInt(version == 1 ? 20 : 12));
                duration = version == 1 ? mvhd.getLong(24) : Integer.toUnsignedLong(mvhd.getInt(16));
            } else if (box.is("trak") && width == 0) {
                var size = videoTrackSize(box);
                if (size != null) {
                    width = size[0];
                    height = size[1];
                }
            }
        }
        if (timescale == 0) {
            return Optional.empty();
        }
        // all ones means "unknown" (e.g. a live or fragmented file)
        var millis = duration == 0xFFFFFFFFL || duration < 0 ? 0 : Math.round(duration * 1000.0 / timescale);
        return Optional.of(new Video(millis, width, height));
    }

    /** {width, height} of a video track's tkhd, or null for other tracks (sound, text). */
    private int[] videoTrackSize(Box trak) throws IOException {
        int[] size = null;
        var video = false;
        for (var box = box(trak.body(), trak.end()); box != null; box = box(box.end(), trak.end())) {
            if (box.is("tkhd")) {
                var version = read(box, 1).get(0);
                var tkhd = read(box, version == 1 ? 96 : 84);
                var offset = version == 1 ? 36 : 24; // past version, flags, times, track id, reserved, duration
                offset += 16; // reserved, layer, alternate group, volume, reserved
                var a = tkhd.getInt(offset);
                var d = tkhd.getInt(offset + 16);
                var width = tkhd.getInt(offset + 36) >>> 16; // 16.16 fixed point
                var height = tkhd.getInt(offset + 40) >>> 16;
                // a matrix that turns the picture a quarter (a = d = 0) shows it the other way round
                size = a == 0 && d == 0 ? new int[] {height, width} : new int[] {width, height};
            } else if (box.is("mdia")) {
                for (var child = box(box.body(), box.end()); child != null; child = box(child.end(), box.end())) {
                    if (child.is("hdlr")) {
                        var hdlr = read(child, 12);
                        video = hdlr.getInt(8) == fourCc("vide");
                    }
                }
            }
        }
        return video && size != null && size[0] > 0 && size[1] > 0 ? size : null;
    }

    private record Box(int type, long start, long headerSize, long end) {
        boolean is(String fourCc) {
            return type == fourCc(fourCc);
        }

        long body() {
            return start + headerSize;
        }
    }

    /** The box starting at {@code position}, or null at the end of its parent. */
    private Box box(long position, long parentEnd) throws IOException {
        if (position + 8 > parentEnd) {
            return null;
        }
        if (++boxesRead > MAX_BOXES) {
            throw new MalformedMp4();
        }
        var header = readAt(position, 16, Math.min(16, parentEnd - position));
        long size = Integer.toUnsignedLong(header.getInt(0));
        var type = header.getInt(4);
        long headerSize = 8;
        if (size == 1) {
            if (header.limit() < 16) {
                throw new MalformedMp4();
            }
            size = header.getLong(8);
            headerSize = 16;
        } else if (size == 0) {
            size = parentEnd - position; // to the end of its parent
        }
        if (size < headerSize || position + size > parentEnd) {
            throw new MalformedMp4();
        }
        return new Box(type, position, headerSize, position + size);
    }

    /** The first {@code wanted} bytes of a box's body (a full box's version and flags first). */
    private ByteBuffer read(Box box, int wanted) throws IOException {
        var available = box.end() - box.body();
        if (available > MAX_HEADER_BOX) {
            available = MAX_HEADER_BOX;
        }
        var buffer = readAt(box.body(), wanted, Math.min(wanted, available));
        if (buffer.limit() < wanted) {
            throw new MalformedMp4();
        }
        return buffer;
    }

    private ByteBuffer readAt(long position, int capacity, long length) throws IOException {
        var buffer = ByteBuffer.allocate(capacity);
        buffer.limit((int) length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException();
            }
        }
        return buffer.flip();
    }

    private static int fourCc(String code) {
        return code.charAt(0) << 24 | code.charAt(1) << 16 | code.charAt(2) << 8 | code.charAt(3);
    }

    /** The boxes do not nest or add up: not something to take numbers from. */
    private static final class MalformedMp4 extends IOException {
        MalformedMp4() {
            super("malformed MP4 boxes");
        }
    }
}
