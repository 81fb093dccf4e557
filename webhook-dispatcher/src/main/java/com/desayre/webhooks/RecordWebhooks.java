package com.desayre.webhooks;

import com.desayre.contracts.StatusChanged;
import com.desayre.platform.DatabaseOutages;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.status} (consumer group {@code webhook-dispatcher}) and turns each terminal status into
 * deliveries, in Postgres, before the record is committed: a crash in between re-reads the record, and the unique
 * (endpoint, event id) makes that harmless. Sending is the {@link Dispatcher}'s, off the consumer thread, so a slow
 * receiver never holds the topic. A database that is away is waited out here, however long it takes
 * ({@link DatabaseOutages#waitOut}): the binding's tries (about 4 minutes) are left for the rest, such as the gateway's
 * tables not made yet on a first start, so a longer outage no longer dead-letters a valid status and loses its webhooks.
 */
@Component("recordWebhooks")
class RecordWebhooks implements Consumer<StatusChanged> {
    private static final Logger log = LoggerFactory.getLogger(RecordWebhooks.class);

    private final Deliveries deliveries;
    private final WebhookPayloads payloads;

    RecordWebhooks(Deliveries deliveries, WebhookPayloads payloads) {
        this.deliveries = deliveries;
        this.payloads = payloads;
    }

    @Override
    public void accept(StatusChanged status) {
        var type = WebhookPayloads.type(status);
        if (type == null) {
            return;
        }
        UUID jobId;
        try {
            jobId = UUID.fromString(status.jobId());
        } catch (IllegalArgumentException | NullPointerException e) {
            log.info("Job id {} is not a UUID: no webhooks for it", status.jobId());
            return;
        }
        var body = payloads.body(type, status);
        var made = DatabaseOutages.waitOut(type + " of job " + jobId + " waits to be recorded for its webhooks",
                () -> deliveries.record(status.ownerId(), jobId, "msg_" + status.eventId(), type, body));
        if (made > 0) {
            log.debug("{} of job {}: {} delivery(ies)", type, jobId, made);
        }
    }
}
