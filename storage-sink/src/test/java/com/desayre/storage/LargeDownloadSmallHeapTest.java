package com.desayre.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.desayre.platform.FileSystemMediaStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs in its own JVM with a 64 MB heap (see storage-sink's pom): a 300 MB video must stream
 * from the provider to the media store without ever being held in memory.
 */
class LargeDownloadSmallHeapTest {
    private static final long SIZE = 300L * 1024 * 1024;

    @TempDir
    Path dir;

    /** An MP4-shaped body: an ftyp box, then zeros, written in chunks as it is read. */
    private static FileServer.Body video(long size) {
        return new FileServer.Body(size, out -> {
            try {
                var chunk = new byte[256 * 1024];
                var head = new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'};
                System.arraycopy(head, 0, chunk, 0, head.length);
                for (long written = 0; written < size; ) {
                    var n = (int) Math.min(chunk.length, size - written);
                    out.write(chunk, 0, n);
                    if (written == 0) {
                        java.util.Arrays.fill(chunk, 0, head.length, (byte) 0);
                    }
                    written += n;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, 200);
    }

    @Test
    void a300MegabyteVideoStreamsThroughA64MegabyteHeap() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).isLessThan(100L * 1024 * 1024);
        try (var server = new FileServer()) {
            var url = server.serve("/video.mp4", video(SIZE));
            var downloader = new MediaDownloader(new StorageSettings(SIZE + 1, Duration.ofMinutes(2)));
            var media = downloader.download(url);
            try {
                assertThat(media.mimeType()).isEqualTo("video/mp4");
                assertThat(media.bytes()).isEqualTo(SIZE);
                assertThat(media.sha256()).hasSize(64);
                var store = new FileSystemMediaStore(dir.resolve("media"));
                store.put("job/0.mp4", media.file(), media.mimeType());
                assertThat(Files.size(dir.resolve("media/job/0.mp4"))).isEqualTo(SIZE);
            } finally {
                Files.deleteIfExists(media.file());
            }
        }
    }

    @Test
    void anOutputOverTheLimitIsRefusedAsBadOutputAndLeavesNoFile() throws Exception {
        try (var server = new FileServer()) {
            var url = server.serve("/huge.mp4", video(20L * 1024 * 1024));
            var downloader = new MediaDownloader(new StorageSettings(10L * 1024 * 1024, Duration.ofMinutes(1)));
            var before = tempFiles();
            assertThatThrownBy(() -> downloader.download(url)).isInstanceOf(BadProviderOutputException.class)
                    .hasMessageContaining("larger than");
            assertThat(tempFiles()).isEqualTo(before);
        }
    }

    private static long tempFiles() throws IOException {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("desayre-download-")).count();
        }
    }
}
