package com.desayre.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code desayre}: the command-line client of any DESAYRE, over its public REST and SSE API only. Each subcommand is a
 * class of its own; they reach the console, the config file and the server through this one ({@code @ParentCommand}).
 * {@link #run} is the whole program, with the console passed in, so tests drive it in-process.
 */
@Command(name = "desayre", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "DESAYRE CLI 0.1.0",
        description = "The command-line client of a DESAYRE studio: make images and videos and follow them live, browse "
                + "your history, and run the queues. Server and credential: ./desayre login, or DESAYRE_URL with "
                + "DESAYRE_TOKEN or DESAYRE_API_KEY.",
        subcommands = {Login.class, Login.Logout.class, Generate.Image.class, Generate.Edit.class, Generate.Video.class,
                Jobs.History.class, Jobs.Get.class, Jobs.Cancel.class, Jobs.Retry.class, Admin.Queues.class, Admin.Dlq.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done: every job COMPLETED (media saved), or the command did what it was asked",
                "1:a job FAILED", "2:usage: the command line is wrong", "3:refused by the server (bad input, not signed in, "
                + "not allowed, a limit, not found): its title and detail are printed", "4:a job was CANCELLED",
                "5:the server cannot be reached, or it failed"})
final class Cli implements Runnable {
    final Io io;
    final Config config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Cli(Io io) {
        this.io = io;
        this.config = new Config(io);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Name a command, e.g. ./desayre image \"a lighthouse at dusk\".");
    }

    /** The server the environment or the config file names, signed in as they say; a renewed session token is saved. */
    Api api() {
        var target = config.target();
        return new Api(target.url(), target.credential(), renewed -> {
            if (target.fromFile()) {
                config.save(config.load().withToken(renewed));
            }
        });
    }

    /** Runs one command line; the exit code. */
    static int run(String[] args, Io io) {
        var cli = new Cli(io);
        var line = new CommandLine(cli);
        line.setOut(new PrintWriter(io.out(), true));
        line.setErr(new PrintWriter(io.err(), true));
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof CliException failure) {
                if (failure.problem != null && asksForJson(parsed)) {
                    io.out().println(failure.problem);
                }
                io.err().println(failure.getMessage());
                return failure.exitCode;
            }
            io.err().println("Unexpected error: " + e + ". Please report it with the command you ran.");
            return Exit.FAILED;
        });
        return line.execute(args);
    }

    private static boolean asksForJson(CommandLine.ParseResult parsed) {
        return parsed.hasMatchedOption("--json") || parsed.subcommands().stream().anyMatch(Cli::asksForJson);
    }
}
