package com.desayre.gateway.queues;

import com.desayre.gateway.accounts.WorkerSecretSource;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code desayre.queues.*}: queue status and control ({@code /api/worker}, {@code /api/admin/queues}).
 *
 * @param workerSecret  {@code WORKER_SECRET}: lets automation call the queue endpoints (and only those) with
 *                      {@code Authorization: Bearer <secret>} or {@code X-Worker-Secret}; empty = admins only.
 *                      At least 32 bytes when set
 * @param staleAfter    heartbeats missed before an instance shows as {@code stale} (default 3)
 * @param goneAfter     how long after its last heartbeat an instance shows as {@code gone} (default 1 min); it is
 *                      listed until the heartbeat topic forgets it (a day)
 * @param kafkaTimeout  how long one look at Kafka (lag, DLQ depth, a DLQ's records) may take (default 10 s)
 * @param maxReplay     the most DLQ records one request reads or replays (default 1,000): call again for more
 * @param maxWaiting    {@code DESAYRE_MAX_WAITING}: admission control; a generation request whose jobs would make the
 *                      line they join (a worker's waiting jobs in their lane and the lanes sent before it) longer than
 *                      this is refused with 503 {@code /problems/queue-full} (default 2,000); 0 switches the check off
 *
 * <p>An unset value takes its default; a set one out of range stops start-up naming the property. The secret is
 * checked in the constructor: Boot's report of a failed constraint would print it.
 */
@ConfigurationProperties("desayre.queues")
@Validated
public record QueueSettings(String workerSecret, @NotNull @Positive Integer staleAfter, @NotNull @DurationMin(seconds = 1) Duration goneAfter,
                     @NotNull @DurationMin(millis = 1) Duration kafkaTimeout, @NotNull @Positive Integer maxReplay,
                     @NotNull @PositiveOrZero Integer maxWaiting) implements WorkerSecretSource {
    static final int MIN_SECRET_BYTES = 32;

    public QueueSettings {
        workerSecret = workerSecret == null || workerSecret.isBlank() ? null : workerSecret.strip();
        if (workerSecret != null && workerSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("WORKER_SECRET must be at least " + MIN_SECRET_BYTES
                    + " bytes (for example: openssl rand -base64 48), or unset to let only admins control the queues.");
        }
        staleAfter = staleAfter == null ? 3 : staleAfter;
        goneAfter = goneAfter == null ? Duration.ofMinutes(1) : goneAfter;
        kafkaTimeout = kafkaTimeout == null ? Duration.ofSeconds(10) : kafkaTimeout;
        maxReplay = maxReplay == null ? 1000 : maxReplay;
        maxWaiting = maxWaiting == null ? 2000 : maxWaiting;
    }

    @Override
    public String toString() {
        return "QueueSettings[workerSecret=" + (workerSecret == null ? "unset" : "****") + ", staleAfter=" + staleAfter
                + ", goneAfter=" + goneAfter + ", kafkaTimeout=" + kafkaTimeout + ", maxReplay=" + maxReplay + ", maxWaiting=" + maxWaiting + "]";
    }
}
