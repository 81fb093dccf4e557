package com.desayre.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.node.JsonNodeFactory;

/** Saving the media of jobs that ended, and saying how each ended (or, with --json, printing it). */
final class Saved {
    private Saved() {
    }

    /** One file to write: the job, its media, and where. */
    record File(Job job, Job.Media media, Path path) {
    }

    static int finish(Io io, Api api, Map<String, Job> jobs, Path output, boolean json) {
        var files = plan(jobs.values(), output);
        for (var file : files) {
            api.download(file.media().url(), file.path());
        }
        if (json) {
            var result = JsonNodeFactory.instance.objectNode();
            var array = result.putArray("jobs");
            for (var job : jobs.values()) {
                var node = Api.JSON.valueToTree(job);
                var paths = ((tools.jackson.databind.node.ObjectNode) node).putArray("files");
                files.stream().filter(f -> f.job() == job).forEach(f -> paths.add(f.path().toAbsolutePath().toString()));
                array.add(node);
            }
            io.out().println(result);
        } else {
            for (var job : jobs.values()) {
                switch (job.status()) {
                    case "COMPLETED" -> files.stream().filter(f -> f.job() == job).forEach(f -> io.out().println(f.path()));
                    case "FAILED" -> io.err().println("Job " + job.jobId() + " FAILED" + (job.error() == null ? "" : ": "
                            + job.error().code() + ": " + job.error().message()) + System.lineSeparator()
                            + "Try it again with ./desayre retry " + job.jobId());
                    default -> io.err().println("Job " + job.jobId() + " was " + job.status()
                            + (job.message() == null ? "" : ": " + job.message()));
                }
            }
        }
        return Generate.exitCode(jobs);
    }

    /**
     * Where each completed job's media go. No {@code output}: {@code <jobId>.<ext>} (or {@code <jobId>-<i>.<ext>} for a
     * job with several) in the current folder; a folder: the same names in it; a file name: that name for a single
     * file, else {@code name-1.ext}, {@code name-2.ext}, … in order.
     */
    static List<File> plan(java.util.Collection<Job> jobs, Path output) {
        var media = new ArrayList<File>();
        for (var job : jobs) {
            if (!"COMPLETED".equals(job.status())) {
                continue;
            }
            var list = job.mediaOrNone();
            for (int i = 0; i < list.size(); i++) {
                var name = job.jobId() + (list.size() > 1 ? "-" + (i + 1) : "") + "." + extension(list.get(i));
                media.add(new File(job, list.get(i), Path.of(name)));
            }
        }
        var folder = output != null && (Files.isDirectory(output) || output.toString().endsWith("/"));
        var planned = new ArrayList<File>();
        for (int i = 0; i < media.size(); i++) {
            var file = media.get(i);
            Path path;
            if (output == null) {
                path = file.path();
            } else if (folder) {
                path = output.resolve(file.path());
            } else if (media.size() == 1) {
                path = output;
            } else {
                var name = output.getFileName().toString();
                var dot = name.lastIndexOf('.');
                var numbered = dot > 0 ? name.substring(0, dot) + "-" + (i + 1) + name.substring(dot) : name + "-" + (i + 1);
                path = output.resolveSibling(numbered);
            }
            planned.add(new File(file.job(), file.media(), path));
        }
        return planned;
    }

    static String extension(Job.Media media) {
        var type = media.mimeType() == null ? "" : media.mimeType().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "image/png" -> "png";
            case "image/jpeg" -> "jpg";
            case "image/webp" -> "webp";
            case "video/mp4" -> "mp4";
            default -> {
                var url = media.url() == null ? "" : media.url();
                var dot = url.lastIndexOf('.');
                yield dot > url.lastIndexOf('/') && dot >= 0 ? url.substring(dot + 1) : "bin";
            }
        };
    }
}
