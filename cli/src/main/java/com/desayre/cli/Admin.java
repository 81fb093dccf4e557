package com.desayre.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Admins: the queues ({@code GET/POST /api/admin/queues}) and the dead-letter topics. */
final class Admin {
    private Admin() {
    }

    @Command(name = "queues", description = "Admins: lanes (paused or not, jobs waiting), DLQ depths, consumer lag and worker "
            + "instances; pause or resume a lane.", subcommands = {Queues.Pause.class, Queues.Resume.class})
    static final class Queues implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Option(names = "--json", description = "Print the status as the server answers it")
        boolean json;

        @Override
        public Integer call() {
            var status = cli.api().get("/api/admin/queues");
            var out = cli.io.out();
            if (json) {
                out.println(status);
                return Exit.DONE;
            }
            if (!status.path("kafka").path("available").asBoolean(true)) {
                out.println("Kafka: " + status.path("kafka").path("error").asString());
            }
            out.println(String.format(Locale.ROOT, "%-14s %-12s %-8s %-8s %s", "WORKER", "LANE", "STATE", "WAITING", "INSTANCES (obeying)"));
            for (var lane : status.path("lanes")) {
                out.println(String.format(Locale.ROOT, "%-14s %-12s %-8s %-8s %d (%d)%s", lane.path("service").asString(),
                        lane.path("lane").asString().toLowerCase(Locale.ROOT), lane.path("paused").asBoolean() ? "paused" : "open",
                        lane.path("waiting").isNull() ? "?" : lane.path("waiting").asString(), lane.path("liveInstances").asInt(),
                        lane.path("instancesObeying").asInt(), lane.path("paused").asBoolean() && lane.hasNonNull("by")
                                ? "  by " + lane.path("by").asString() + reason(lane) : ""));
            }
            out.println();
            printDepths(out, status);
            long lag = 0;
            for (var consumer : status.path("consumers")) {
                lag += consumer.path("lag").asLong();
            }
            out.println();
            out.println("Consumer lag, all groups: " + lag + "; worker instances: " + status.path("workers").size() + " ("
                    + status.path("workers").valueStream().filter(w -> "live".equals(w.path("state").asString())).count() + " live)");
            return Exit.DONE;
        }

        private static String reason(JsonNode lane) {
            return lane.hasNonNull("reason") ? ": " + lane.path("reason").asString() : "";
        }

        /** Shared by pause and resume. */
        abstract static class LaneSwitch implements Callable<Integer> {
            @ParentCommand
            Queues queues;

            @Parameters(paramLabel = "LANE", description = "interactive or batch")
            String lane;

            @Option(names = "--worker", description = "image-worker or video-worker (default: both)")
            String worker;

            @Option(names = "--reason", description = "Why, for the audit log")
            String reason;

            @Option(names = "--json", description = "Print the server's answer as JSON")
            boolean json;

            abstract String action();

            @Override
            public Integer call() {
                var body = JsonNodeFactory.instance.objectNode().put("action", action()).put("lane", lane);
                Generate.putIf(body, "worker", worker);
                Generate.putIf(body, "reason", reason);
                var answer = queues.cli.api().post("/api/admin/queues", body);
                queues.cli.io.out().println(json ? answer.toString() : answer.path("detail").asString());
                return Exit.DONE;
            }
        }

        @Command(name = "pause", description = "Stop sending a lane's jobs to the provider (they wait in line).")
        static final class Pause extends LaneSwitch {
            @Override
            String action() {
                return "pause";
            }
        }

        @Command(name = "resume", description = "Send a paused lane's jobs again.")
        static final class Resume extends LaneSwitch {
            @Override
            String action() {
                return "resume";
            }
        }
    }

    static void printDepths(java.io.PrintStream out, JsonNode status) {
        out.println(String.format(Locale.ROOT, "%-45s %8s %8s %8s", "DLQ", "RECORDS", "HANDLED", "DEPTH"));
        for (var dlq : status.path("dlqs")) {
            out.println(String.format(Locale.ROOT, "%-45s %8d %8d %8d", dlq.path("topic").asString(), dlq.path("records").asLong(),
                    dlq.path("handled").asLong(), dlq.path("depth").asLong()));
        }
    }

    @Command(name = "dlq", description = "Admins: dead-letter topics: depths, a topic's records, replay or discard them.",
            subcommands = {Dlq.ListRecords.class, Dlq.Replay.class, Dlq.Discard.class})
    static final class Dlq implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Option(names = "--json", description = "Print the depths as JSON")
        boolean json;

        @Override
        public Integer call() {
            var status = cli.api().get("/api/admin/queues");
            if (json) {
                cli.io.out().println(status.path("dlqs"));
            } else {
                printDepths(cli.io.out(), status);
            }
            return Exit.DONE;
        }

        @Command(name = "list", description = "A DLQ's records, oldest first, with what was done with each.")
        static final class ListRecords implements Callable<Integer> {
            @ParentCommand
            Dlq dlq;

            @Parameters(paramLabel = "TOPIC", description = "e.g. generation.requested.dlq (./desayre dlq lists them)")
            String topic;

            @Option(names = "--limit", description = "At most this many (1-1000, default 100)")
            Integer limit;

            @Option(names = "--json", description = "Print the records as JSON")
            boolean json;

            @Override
            public Integer call() {
                var query = new StringBuilder();
                Jobs.param(query, "limit", limit == null ? null : limit.toString());
                var answer = dlq.cli.api().get("/api/admin/queues/dlq/" + Jobs.path(topic) + query);
                var out = dlq.cli.io.out();
                if (json) {
                    out.println(answer);
                    return Exit.DONE;
                }
                if (answer.path("records").isEmpty()) {
                    out.println("No records in " + topic + ".");
                    return Exit.DONE;
                }
                out.println(String.format(Locale.ROOT, "%-10s %-36s %-8s %-9s %s", "PART/OFF", "JOB", "REPLAYS", "HANDLED", "FAILURE"));
                for (var record : answer.path("records")) {
                    out.println(String.format(Locale.ROOT, "%-10s %-36s %-8d %-9s %s", record.path("partition").asInt() + "/"
                                    + record.path("offset").asLong(), record.path("jobId").asString("-"), record.path("replays").asInt(),
                            record.path("handled").isNull() ? "-" : record.path("handled").asString(),
                            Jobs.clip(record.path("failure").asString(""), 60)));
                }
                return Exit.DONE;
            }
        }

        /** Which records: exactly one of --all, --job, --offset. */
        static final class Selection {
            @Option(names = "--all", required = true, description = "Every record not handled yet")
            boolean all;

            @Option(names = "--job", required = true, paramLabel = "JOBID", description = "The records of these jobs (repeat it)")
            List<String> jobIds;

            @Option(names = "--offset", required = true, paramLabel = "PARTITION/OFFSET", description = "These records, e.g. 0/17 "
                    + "(repeat it)")
            List<String> offsets;
        }

        /** Shared by replay and discard. */
        abstract static class DlqAction implements Callable<Integer> {
            @ParentCommand
            Dlq dlq;

            @Parameters(paramLabel = "TOPIC", description = "e.g. generation.requested.dlq")
            String topic;

            @ArgGroup(exclusive = true, multiplicity = "1")
            Selection selection;

            @Option(names = "--reason", description = "Why, for the audit log")
            String reason;

            @Option(names = "--json", description = "Print the server's answer as JSON")
            boolean json;

            abstract String action();

            @Override
            public Integer call() {
                var body = JsonNodeFactory.instance.objectNode().put("action", action()).put("dlq", topic);
                if (selection.all) {
                    body.put("all", true);
                } else if (selection.jobIds != null) {
                    var ids = body.putArray("jobIds");
                    selection.jobIds.forEach(ids::add);
                } else {
                    var offsets = body.putArray("offsets");
                    for (var entry : selection.offsets) {
                        offsets.add(offset(entry));
                    }
                }
                Generate.putIf(body, "reason", reason);
                var answer = dlq.cli.api().post("/api/admin/queues", body);
                var out = dlq.cli.io.out();
                if (json) {
                    out.println(answer);
                } else {
                    var done = action().equals("replay") ? "replayed" : "discarded";
                    out.println(answer.path(done).asLong() + " record(s) " + done + " from " + topic
                            + (answer.path("alreadyHandled").asLong() > 0 ? ", " + answer.path("alreadyHandled").asLong() + " already handled" : "")
                            + (answer.path("more").asBoolean() ? "; more remain: run it again" : "") + ".");
                }
                return Exit.DONE;
            }

            private static ObjectNode offset(String entry) {
                var parts = entry.split("[/:]");
                try {
                    return JsonNodeFactory.instance.objectNode().put("partition", Integer.parseInt(parts[0]))
                            .put("offset", Long.parseLong(parts[1]));
                } catch (RuntimeException e) {
                    throw new CliException(Exit.USAGE, "--offset takes PARTITION/OFFSET, e.g. 0/17; not '" + entry + "'.");
                }
            }
        }

        @Command(name = "replay", description = "Send records back to the topic they came from (idempotent consumers take them).")
        static final class Replay extends DlqAction {
            @Override
            String action() {
                return "replay";
            }
        }

        @Command(name = "discard", description = "Mark records handled without replaying them.")
        static final class Discard extends DlqAction {
            @Override
            String action() {
                return "discard";
            }
        }
    }
}
