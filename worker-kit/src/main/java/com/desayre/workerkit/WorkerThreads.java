package com.desayre.workerkit;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads: a worker's few pools must never keep a JVM alive. */
public final class WorkerThreads {

    public static ThreadFactory daemons(String prefix) {
        var n = new AtomicInteger();
        return r -> {
            var thread = new Thread(r, prefix + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private WorkerThreads() {
    }
}
