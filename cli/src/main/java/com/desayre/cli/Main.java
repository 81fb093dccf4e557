package com.desayre.cli;

/** {@code java -jar cli-exec.jar …}: what {@code ./desayre login|image|…} runs. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Cli.run(args, Io.system()));
    }
}
