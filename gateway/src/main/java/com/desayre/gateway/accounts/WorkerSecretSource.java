package com.desayre.gateway.accounts;

/**
 * Where the worker secret comes from ({@code WORKER_SECRET}, which lets automation call the queue
 * endpoints and only those): the {@code queues} feature's settings, so accounts never depend on it.
 */
public interface WorkerSecretSource {
    /** The secret, or null when none is set (then no request authenticates with one). */
    String workerSecret();
}
