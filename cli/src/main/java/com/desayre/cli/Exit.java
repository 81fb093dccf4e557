package com.desayre.cli;

/** The exit codes, as docs/cli.md lists them. */
final class Exit {
    /** Done: every job COMPLETED (and its media saved), or the command did what it was asked. */
    static final int DONE = 0;
    /** A job ended FAILED. */
    static final int FAILED = 1;
    /** The command line was wrong (unknown option, missing argument, a value of the wrong type). */
    static final int USAGE = 2;
    /** The server refused the request (a 4xx problem: bad input, not signed in, not allowed, a limit, not found). */
    static final int REFUSED = 3;
    /** A job ended CANCELLED. */
    static final int CANCELLED = 4;
    /** The server could not be reached, or it failed (5xx). */
    static final int UNREACHABLE = 5;

    private Exit() {
    }

    /** Several jobs: a failure outweighs a cancellation, which outweighs success. */
    static int of(java.util.Collection<String> statuses) {
        if (statuses.contains("FAILED")) {
            return FAILED;
        }
        return statuses.contains("CANCELLED") ? CANCELLED : DONE;
    }
}
