package com.desayre.local;

/**
 * One process of {@code ./desayre up --cluster} that its control port can stop, start and kill by name
 * (a service instance, a Kafka node, PostgreSQL…): what {@code ./desayre chaos} acts on.
 */
interface ClusterPart {

    /** e.g. {@code image-worker-2}, {@code kafka-1}, {@code postgres}: also its log's name. */
    String name();

    /** Starts it when it is stopped; nothing when it runs. */
    void start();

    /** Stops it gracefully and keeps it stopped until {@link #start()}. */
    void stop();

    /**
     * Kills it at once (SIGKILL) as a crash would; the supervisor starts it again shortly after.
     *
     * @throws UnsupportedOperationException for a part that can only be stopped
     */
    void kill();

    /** The operating-system process id, or -1 when it is not running. */
    long pid();

    /** {@code running}, {@code restarting} (died or killed, about to start again) or {@code stopped}. */
    String state();

    /** How many times the supervisor started it again after it died unasked. */
    int restarts();

    /** Its port on 127.0.0.1, or 0 when it has none worth showing. */
    int port();
}
