package com.desayre.gateway.history;

import com.desayre.platform.MediaStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * A zip of jobs' files, streamed: each file is copied from the store into the zip as the client reads it
 * ({@link DataBufferUtils#outputStreamPublisher} writes only when there is demand), so a hundred videos never sit
 * in memory or on disk. Files are named as a single download names them ({@link #fileName}).
 */
@Component
class MediaZip {
    private static final int CHUNK = 64 * 1024;
    /** Blocking store reads and zip writes run off the event loop. */
    private static final Executor WRITER = task -> Schedulers.boundedElastic().schedule(task);

    private final MediaStore store;

    MediaZip(MediaStore store) {
        this.store = store;
    }

    /** One file to put in the zip. */
    record File(String name, String key, long bytes) {
    }

    /** {@code desayre-<jobId>-<n>.<ext>}: n counts the job's files from 1, the extension is the stored file's. */
    static String fileName(String jobId, int index, String key) {
        var dot = key.lastIndexOf('.');
        var extension = dot < 0 || dot < key.lastIndexOf('/') ? "" : key.substring(dot).toLowerCase(Locale.ROOT);
        return "desayre-" + jobId + "-" + (index + 1) + extension;
    }

    /** The zip's bytes; a file the store no longer has is left out and named in {@code MISSING.txt}. */
    Flux<DataBuffer> zip(List<File> files) {
        return Flux.from(DataBufferUtils.outputStreamPublisher(out -> write(out, files), DefaultDataBufferFactory.sharedInstance,
                WRITER, CHUNK));
    }

    private void write(OutputStream out, List<File> files) {
        try (var zip = new ZipOutputStream(out)) {
            // images and videos are compressed already: deflating them again costs CPU and saves nothing
            zip.setLevel(Deflater.NO_COMPRESSION);
            var missing = new ArrayList<String>();
            for (var file : files) {
                InputStream in;
                try {
                    in = store.open(file.key(), 0, file.bytes());
                } catch (IOException gone) {
                    missing.add(file.name());
                    continue;
                }
                try (in) {
                    zip.putNextEntry(new ZipEntry(file.name()));
                    in.transferTo(zip);
                    zip.closeEntry();
                }
            }
            if (!missing.isEmpty()) {
                zip.putNextEntry(new ZipEntry("MISSING.txt"));
                zip.write(("These files could not be read from the store (deleted meanwhile?):\n" + String.join("\n", missing) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            // the client went away, or the store failed mid-file: the response ends there
            throw new UncheckedIOException(e);
        }
    }
}
