package com.desayre.gateway.webhooks;

import java.util.List;

/** The event types an endpoint may subscribe to: a job sent to its provider, and its terminal statuses (docs/webhooks.md). */
public final class WebhookEvents {
    /** SUBMITTED: the job was sent to its provider (again after a retry). */
    public static final String STARTED = "job.started";
    public static final String COMPLETED = "job.completed";
    public static final String FAILED = "job.failed";
    public static final String CANCELLED = "job.cancelled";
    /** Sent by {@code POST /api/webhooks/{id}/test} only; nobody subscribes to it. */
    static final String TEST = "webhook.test";
    public static final List<String> TERMINAL = List.of(COMPLETED, FAILED, CANCELLED);

    private WebhookEvents() {
    }
}
