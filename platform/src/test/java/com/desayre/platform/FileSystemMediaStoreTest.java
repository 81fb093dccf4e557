package com.desayre.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemMediaStoreTest {

    @TempDir
    Path dir;

    @Test
    void storesReadsRangesAndDeletes() throws Exception {
        var store = new FileSystemMediaStore(dir.resolve("media"));
        var file = Files.write(dir.resolve("in.bin"), "0123456789".getBytes());

        store.put("job-1/0.png", file, "image/png");

        var object = store.stat("job-1/0.png").orElseThrow();
        assertThat(object.size()).isEqualTo(10);
        assertThat(object.contentType()).isEqualTo("image/png");
        try (var in = store.open("job-1/0.png", 3, 4)) {
            assertThat(new String(in.readAllBytes())).isEqualTo("3456");
        }
        store.delete("job-1/0.png");
        assertThat(store.stat("job-1/0.png")).isEmpty();
    }

    @Test
    void aRedeliveredPutOverwrites() throws Exception {
        var store = new FileSystemMediaStore(dir);
        store.put("k.png", Files.write(dir.resolve("a"), new byte[] {1, 2}), "image/png");
        store.put("k.png", Files.write(dir.resolve("b"), new byte[] {3, 4, 5}), "image/png");
        assertThat(store.stat("k.png").orElseThrow().size()).isEqualTo(3);
    }

    @Test
    void aKeyCannotEscapeTheFolder() {
        var store = new FileSystemMediaStore(dir.resolve("media"));
        assertThatThrownBy(() -> store.stat("../outside")).isInstanceOf(IllegalArgumentException.class);
    }
}
