package com.desayre.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Your jobs: the history ({@code jobs}), one job ({@code get}), {@code cancel} and {@code retry}. */
final class Jobs {
    private Jobs() {
    }

    @Command(name = "jobs", aliases = "history", description = "Your generations, newest first (GET /api/history): search and "
            + "filter; --cursor for the next page.")
    static final class History implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Parameters(arity = "0..1", paramLabel = "SEARCH", description = "Words to look for in the prompts")
        String query;

        @Option(names = "--kind", description = "image, edit or video")
        String kind;

        @Option(names = "--status", description = "e.g. completed, failed, processing")
        String status;

        @Option(names = "--from", paramLabel = "DATE", description = "From this day (2026-12-01) or instant (ISO-8601)")
        String from;

        @Option(names = "--to", paramLabel = "DATE", description = "Up to this day (included) or instant")
        String to;

        @Option(names = "--limit", description = "Jobs per page, 1-100 (default 20)")
        Integer limit;

        @Option(names = "--cursor", description = "The page after the one that printed this cursor")
        String cursor;

        @Option(names = "--pages", description = "How many pages to read (default 1)", defaultValue = "1")
        int pages;

        @Option(names = "--everyone", description = "Admins: everyone's jobs (scope=all)")
        boolean everyone;

        @Option(names = "--json", description = "Print the items and the next cursor as JSON")
        boolean json;

        @Override
        public Integer call() {
            if (pages < 1) {
                throw new CliException(Exit.USAGE, "--pages must be 1 or more.");
            }
            var api = cli.api();
            var items = JsonNodeFactory.instance.arrayNode();
            String next = cursor;
            for (int page = 0; page < pages; page++) {
                var answer = api.get("/api/history" + query(next));
                answer.path("items").forEach(items::add);
                next = answer.path("nextCursor").isString() ? answer.path("nextCursor").asString() : null;
                if (next == null) {
                    break;
                }
            }
            if (json) {
                var result = JsonNodeFactory.instance.objectNode();
                result.set("items", items);
                result.put("nextCursor", next);
                cli.io.out().println(result);
                return Exit.DONE;
            }
            var out = cli.io.out();
            if (items.isEmpty()) {
                out.println("No jobs" + (query == null && kind == null && status == null ? " yet." : " match."));
            } else {
                // on a terminal the prompt fills the rest of the line; in a pipe it is whole (up to 500 characters)
                var promptWidth = cli.io.terminal() ? Math.max(20, cli.io.width() - 80) : 500;
                out.println(String.format(Locale.ROOT, "%-36s  %-5s  %-10s  %-20s  %s", "JOB", "KIND", "STATUS", "CREATED", "PROMPT"));
                for (var item : items) {
                    out.println(String.format(Locale.ROOT, "%-36s  %-5s  %-10s  %-20s  %s", item.path("jobId").asString(),
                            item.path("kind").asString().toLowerCase(Locale.ROOT), item.path("status").asString(),
                            created(item), clip(item.path("prompt").asString(), promptWidth)));
                }
            }
            if (next != null) {
                out.println("More: ./desayre jobs --cursor " + next + (query == null ? "" : " " + quote(query)));
            }
            return Exit.DONE;
        }

        private String query(String page) {
            var query = new StringBuilder();
            param(query, "q", this.query);
            param(query, "kind", kind);
            param(query, "status", status);
            param(query, "from", from);
            param(query, "to", to);
            param(query, "limit", limit == null ? null : limit.toString());
            param(query, "cursor", page);
            param(query, "scope", everyone ? "all" : null);
            return query.toString();
        }

        private static String created(JsonNode item) {
            var at = item.path("createdAt").asString("");
            return at.length() >= 19 ? at.substring(0, 19).replace('T', ' ') : at;
        }

        private static String quote(String text) {
            return "'" + text.replace("'", "'\\''") + "'";
        }
    }

    @Command(name = "get", description = "A job: follows it live while it runs, then saves its media (COMPLETED) or says why "
            + "it ended.")
    static final class Get implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Parameters(paramLabel = "JOBID")
        String jobId;

        @Mixin
        Generate.Output output;

        @Override
        public Integer call() {
            var api = cli.api();
            var job = Api.JSON.treeToValue(api.get("/api/jobs/" + path(jobId)), Job.class);
            if (job.terminal()) {
                var jobs = new java.util.LinkedHashMap<String, Job>();
                jobs.put(job.jobId(), job);
                return Saved.finish(cli.io, api, jobs, output.path, output.json);
            }
            if (output.noWait) {
                cli.io.out().println(output.json ? Api.JSON.valueToTree(job) : ProgressLine.plain(job, java.time.Duration.ZERO));
                return Exit.DONE;
            }
            return Generate.follow(cli, api, List.of(job.jobId()), output);
        }
    }

    @Command(name = "cancel", description = "Cancel a job that has not ended (POST /api/jobs/{id}/cancel).")
    static final class Cancel implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Parameters(paramLabel = "JOBID")
        String jobId;

        @Option(names = "--json", description = "Print the job as JSON")
        boolean json;

        @Override
        public Integer call() {
            var job = cli.api().post("/api/jobs/" + path(jobId) + "/cancel", null);
            cli.io.out().println(json ? job.toString() : "Job " + jobId + " is " + job.path("status").asString() + ".");
            return Exit.DONE;
        }
    }

    @Command(name = "retry", description = "A new job from a FAILED or CANCELLED one's inputs, followed live like image.")
    static final class Retry implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Parameters(paramLabel = "JOBID")
        String jobId;

        @Mixin
        Generate.Output output;

        @Override
        public Integer call() {
            var api = cli.api();
            return Generate.submitted(cli, api, api.post("/api/jobs/" + path(jobId) + "/retry", null), output);
        }
    }

    static String path(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static void param(StringBuilder query, String name, String value) {
        if (value != null && !value.isBlank()) {
            query.append(query.length() == 0 ? '?' : '&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    static String clip(String text, int max) {
        var line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= max ? line : line.substring(0, max - 1) + "~";
    }
}
