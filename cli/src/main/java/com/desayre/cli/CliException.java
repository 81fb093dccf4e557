package com.desayre.cli;

import tools.jackson.databind.JsonNode;

/**
 * Ends a command with an exit code and a sentence that says what happened and what to do next (never a stack trace).
 * {@code problem} is the server's problem+json when it refused, printed as is with {@code --json}.
 */
final class CliException extends RuntimeException {
    final int exitCode;
    final transient JsonNode problem;

    CliException(int exitCode, String message) {
        this(exitCode, message, null, null);
    }

    CliException(int exitCode, String message, JsonNode problem, Throwable cause) {
        super(message, cause, false, false);
        this.exitCode = exitCode;
        this.problem = problem;
    }
}
