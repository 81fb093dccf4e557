package com.desayre.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.embedded.S3MockServer;
import com.desayre.testsupport.TestServers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The S3 implementation (what talks to Cloudflare R2 in production) against a real S3-protocol server. */
class S3MediaStoreIT {

    @TempDir
    Path dir;

    @Test
    void storesReadsARangeOverwritesAndDeletes() throws Exception {
        var s3 = TestServers.s3();
        try (var store = new S3MediaStore(URI.create(s3.endpoint()), S3MockServer.REGION, S3MockServer.ACCESS_KEY_ID,
                S3MockServer.SECRET_ACCESS_KEY, "media-it")) {
            store.ensureBucket();
            store.ensureBucket(); // a second start finds the bucket there

            var bytes = new byte[200_000];
            new Random(7).nextBytes(bytes);
            store.put("job-9/0.png", Files.write(dir.resolve("a.bin"), bytes), "image/png");

            var object = store.stat("job-9/0.png").orElseThrow();
            assertThat(object.size()).isEqualTo(bytes.length);
            assertThat(object.contentType()).isEqualTo("image/png");
            assertThat(object.etag()).isNotBlank();
            try (var in = store.open("job-9/0.png", 1000, 10)) {
                assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(bytes, 1000, 1010));
            }

            store.put("job-9/0.png", Files.write(dir.resolve("b.bin"), new byte[] {1, 2, 3}), "image/png");
            assertThat(store.stat("job-9/0.png").orElseThrow().size()).isEqualTo(3);

            store.delete("job-9/0.png");
            assertThat(store.stat("job-9/0.png")).isEmpty();
        }
    }
}
