package com.desayre.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code image}, {@code edit} and {@code video}: a generation request ({@code POST /api/generate/*}, JSON or, from a file,
 * multipart with the part {@code image}), then the jobs followed live to their end and their media saved.
 */
final class Generate {
    private Generate() {
    }

    /** What every generation command takes: the request's common fields and how to follow and save the result. */
    static final class Options {
        @Option(names = "--aspect", paramLabel = "W:H", description = "Aspect ratio, e.g. 16:9 (images default to 1:1, videos to 16:9)")
        String aspect;

        @Option(names = "--style", paramLabel = "PROFILE", description = "A house style (the studio lists them); default: the studio's")
        String style;

        @Option(names = "-n", paramLabel = "N", description = "How many (1-4); with --seed, copy i gets seed + i")
        Integer count;

        @Option(names = "--seed", description = "Make it repeatable")
        Long seed;

        @Option(names = "--no-enhance", description = "Send the prompt untouched (no house style)")
        boolean noEnhance;

        @Option(names = "--priority", paramLabel = "LANE", description = "interactive (default) or batch")
        String priority;

        @Option(names = "--max-wait", paramLabel = "SECONDS", description = "How long each job may wait in line for the provider "
                + "before it ends FAILED (EXPIRED_IN_QUEUE)")
        Integer maxWait;

        @Mixin
        Output output;

        /** The JSON body's common fields; only those given (the gateway refuses unknown fields and takes defaults itself). */
        ObjectNode fields(String prompt) {
            var body = JsonNodeFactory.instance.objectNode().put("prompt", prompt);
            putIf(body, "aspectRatio", aspect);
            putIf(body, "styleProfile", style);
            putIf(body, "n", count);
            putIf(body, "seed", seed);
            if (noEnhance) {
                body.put("enhance", false);
            }
            putIf(body, "priority", priority);
            putIf(body, "maxWaitSeconds", maxWait);
            return body;
        }
    }

    /** How to follow and where to save: shared by every command that waits for jobs. */
    static final class Output {
        @Option(names = {"-o", "--output"}, paramLabel = "PATH", description = "Where to save: a file (several get -1, -2, … "
                + "before the extension) or a folder; default: <jobId>.<ext> here")
        Path path;

        @Option(names = "--no-wait", description = "Print the job ids and return at once; follow later with ./desayre get <jobId>")
        boolean noWait;

        @Option(names = "--plain", description = "Plain lines, one per status change, even on a terminal")
        boolean plain;

        @Option(names = "--json", description = "Print only the result, as JSON")
        boolean json;
    }

    static void putIf(ObjectNode body, String field, Object value) {
        if (value instanceof String text) {
            body.put(field, text);
        } else if (value instanceof Integer number) {
            body.put(field, number);
        } else if (value instanceof Long number) {
            body.put(field, number);
        }
    }

    @Command(name = "image", description = "Make images from a prompt and follow them live; saves each when it is done.")
    static final class Image implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Parameters(paramLabel = "PROMPT", description = "What to make, in your words")
        String prompt;

        @Mixin
        Options options;

        @Override
        public Integer call() {
            var api = cli.api();
            return submitted(cli, api, api.submit("/api/generate/image", options.fields(prompt)), options.output);
        }
    }

    @Command(name = "edit", description = "Edit one of your images (a job id) or an image file from a prompt, and follow it live.")
    static final class Edit implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Option(names = "--from", required = true, paramLabel = "JOBID|FILE", description = "A COMPLETED image of yours, or a "
                + "PNG, JPEG or WebP file (uploaded)")
        String from;

        @Parameters(paramLabel = "PROMPT", description = "What to change")
        String prompt;

        @Mixin
        Options options;

        @Override
        public Integer call() {
            var api = cli.api();
            return submitted(cli, api, fromJobOrFile(api, "/api/generate/edit", from, options.fields(prompt)), options.output);
        }
    }

    @Command(name = "video", description = "Make a video from a prompt, from one of your images (a job id) or from an image "
            + "file, and follow it live.")
    static final class Video implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Option(names = "--from", paramLabel = "JOBID|FILE", description = "The first frame: a COMPLETED image of yours, or an "
                + "image file; leave out for text to video")
        String from;

        @Parameters(paramLabel = "PROMPT", description = "The motion or scene")
        String prompt;

        @Option(names = "--seconds", description = "Length, 1-15 (default 8)")
        Integer seconds;

        @Option(names = "--resolution", description = "480p (default) or 720p")
        String resolution;

        @Mixin
        Options options;

        @Override
        public Integer call() {
            var api = cli.api();
            var body = options.fields(prompt);
            putIf(body, "durationSeconds", seconds);
            putIf(body, "resolution", resolution);
            var answer = from == null ? api.submit("/api/generate/video", body) : fromJobOrFile(api, "/api/generate/video", from, body);
            return submitted(cli, api, answer, options.output);
        }
    }

    /** An existing file is uploaded (multipart, its fields as form fields); anything else is a job id (JSON). */
    static JsonNode fromJobOrFile(Api api, String path, String from, ObjectNode body) {
        var file = Path.of(from);
        if (Files.isRegularFile(file)) {
            var fields = new LinkedHashMap<String, String>();
            body.properties().forEach(field -> fields.put(field.getKey(), field.getValue().asString()));
            return api.submitMultipart(path, fields, "image", file);
        }
        if (from.contains("/") || from.contains(".") && !from.matches("[0-9a-fA-F-]+")) {
            throw new CliException(Exit.USAGE, "There is no file " + from + ". Pass an image file that exists, or the job id of a "
                    + "COMPLETED image of yours (./desayre jobs lists them).");
        }
        body.put("sourceJobId", from);
        return api.submit(path, body);
    }

    /** After a 202: the jobs' ids, or (unless --no-wait) their end, with media saved. */
    static int submitted(Cli cli, Api api, JsonNode answer, Output output) {
        var ids = new ArrayList<String>();
        for (var accepted : answer.isArray() ? answer : List.of(answer)) {
            ids.add(accepted.path("jobId").asString());
        }
        if (output.noWait) {
            if (output.json) {
                cli.io.out().println(answer.isArray() ? answer : JsonNodeFactory.instance.arrayNode().add(answer));
            } else {
                ids.forEach(id -> cli.io.out().println(id));
                cli.io.err().println("Accepted. Follow with ./desayre get <jobId>.");
            }
            return Exit.DONE;
        }
        return follow(cli, api, ids, output);
    }

    /** Follows the jobs to their end, saves what completed, and says how each ended. */
    static int follow(Cli cli, Api api, List<String> ids, Output output) {
        var jobs = new Follow(api, cli.io, cli.io.terminal() && !output.plain, output.json).untilDone(ids);
        return Saved.finish(cli.io, api, jobs, output.path, output.json);
    }

    /** The exit code of jobs that ended. */
    static int exitCode(Map<String, Job> jobs) {
        return Exit.of(jobs.values().stream().map(Job::status).toList());
    }
}
