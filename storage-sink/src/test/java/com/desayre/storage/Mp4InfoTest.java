package com.desayre.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jcodec.api.awt.AWTSequenceEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mp4InfoTest {
    @TempDir
    Path dir;

    /** jcodec writes like the provider simulator: ftyp, mdat, then moov at the end. */
    static byte[] mp4(int width, int height, int frames, int fps) throws Exception {
        var file = Files.createTempFile("mp4-info-", ".mp4");
        try {
            var encoder = AWTSequenceEncoder.createSequenceEncoder(file.toFile(), fps);
            var frame = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            for (int i = 0; i < frames; i++) {
                var g = frame.createGraphics();
                g.setColor(Color.getHSBColor(i / (float) frames, 0.7f, 0.9f));
                g.fillRect(0, 0, width, height);
                g.dispose();
                encoder.encodeImage(frame);
            }
            encoder.finish();
            return Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private record Box(String type, byte[] bytes) {
    }

    private static List<Box> topLevel(byte[] mp4) {
        var boxes = new ArrayList<Box>();
        var buffer = ByteBuffer.wrap(mp4);
        for (int at = 0; at < mp4.length; ) {
            long size = buffer.getInt(at);
            if (size == 1) {
                size = buffer.getLong(at + 8); // a 64-bit size follows the type
            }
            boxes.add(new Box(new String(mp4, at + 4, 4, java.nio.charset.StandardCharsets.US_ASCII),
                    Arrays.copyOfRange(mp4, at, (int) (at + size))));
            at += (int) size;
        }
        return boxes;
    }

    private static byte[] join(List<Box> boxes) throws Exception {
        var out = new ByteArrayOutputStream();
        for (var box : boxes) {
            out.write(box.bytes());
        }
        return out.toByteArray();
    }

    private Mp4Info.Video read(byte[] mp4) throws Exception {
        var file = Files.write(dir.resolve("video-" + System.nanoTime() + ".mp4"), mp4);
        return Mp4Info.read(file).orElseThrow();
    }

    @Test
    void readsDurationAndSizeWhenTheIndexComesAfterTheMedia() throws Exception {
        var mp4 = mp4(320, 180, 48, 24);
        assertThat(topLevel(mp4).stream().map(Box::type).toList()).containsSubsequence("mdat", "moov");
        assertThat(read(mp4)).isEqualTo(new Mp4Info.Video(2000, 320, 180));
    }

    @Test
    void readsTheSameWhenTheIndexComesFirst() throws Exception {
        var boxes = new ArrayList<>(topLevel(mp4(320, 180, 12, 24)));
        var moov = boxes.stream().filter(b -> b.type().equals("moov")).findFirst().orElseThrow();
        boxes.remove(moov);
        boxes.add(1, moov); // after ftyp: a "fast start" file, as players stream it
        var faststart = join(boxes);
        assertThat(topLevel(faststart).stream().map(Box::type).toList()).containsSubsequence("ftyp", "moov", "mdat");
        assertThat(read(faststart)).isEqualTo(new Mp4Info.Video(500, 320, 180));
    }

    /** The media box with a 32-bit or a 64-bit ("largesize") size field. */
    private static byte[] withMediaHeader(byte[] mp4, boolean large) throws Exception {
        var boxes = new ArrayList<>(topLevel(mp4));
        for (int i = 0; i < boxes.size(); i++) {
            var box = boxes.get(i);
            if (box.type().equals("mdat")) {
                var headerSize = ByteBuffer.wrap(box.bytes()).getInt(0) == 1 ? 16 : 8;
                var body = Arrays.copyOfRange(box.bytes(), headerSize, box.bytes().length);
                var header = large ? ByteBuffer.allocate(16).putInt(1).put("mdat".getBytes()).putLong(16L + body.length)
                        : ByteBuffer.allocate(8).putInt(8 + body.length).put("mdat".getBytes());
                boxes.set(i, new Box("mdat", join(List.of(new Box("", header.array()), new Box("", body)))));
            }
        }
        return join(boxes);
    }

    @Test
    void followsBothSizesOfBoxHeader() throws Exception {
        var mp4 = mp4(64, 48, 24, 24);
        assertThat(read(withMediaHeader(mp4, true))).isEqualTo(new Mp4Info.Video(1000, 64, 48));
        assertThat(read(withMediaHeader(mp4, false))).isEqualTo(new Mp4Info.Video(1000, 64, 48));
    }

    @Test
    void somethingElseOrACutOffFileHasNoInfo() throws Exception {
        assertThat(Mp4Info.read(Files.write(dir.resolve("png"), SinkHarness.png(8, 8)))).isEmpty();
        var mp4 = mp4(64, 48, 24, 24);
        assertThat(Mp4Info.read(Files.write(dir.resolve("cut.mp4"), Arrays.copyOf(mp4, mp4.length - 100)))).isEmpty();
    }
}
