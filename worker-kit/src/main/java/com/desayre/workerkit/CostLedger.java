package com.desayre.workerkit;

import com.desayre.contracts.CostIncurred;
import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.PriceList;
import com.desayre.contracts.Topics;
import java.time.Instant;

/**
 * A worker's side of the cost ledger (docs/costs.md): an entry on {@code generation.ledger} at each moment
 * money moves at the provider. Each entry's id comes from the job and the provider's id for the submission
 * (or, when the provider never gave one, the attempt), so however often a step runs again (a redelivered
 * record, a retried poll, a restarted worker) it writes the same id, and storage-sink keeps one row per id.
 */
public class CostLedger {
    private final JobNotices.Outbox events;
    private final PriceList prices;
    private final String provider;

    /**
     * @param provider the provider's name for people, e.g. {@code xAI}, in each entry's reason
     */
    public CostLedger(com.desayre.platform.JobEvents events, PriceList prices, String provider) {
        this(events::send, prices, provider);
    }

    CostLedger(JobNotices.Outbox events, PriceList prices, String provider) {
        this.events = events;
        this.prices = prices;
        this.provider = provider;
    }

    /**
     * The billable moment: the provider took submission {@code attempt} as {@code providerId}. Sent again when the job
     * ends (the same entry id), then with {@code reportedMicros} where the provider says what it charged: the
     * projection adds that figure and never charges twice.
     */
    void charged(EncodedJob job, String providerId, int attempt, Long reportedMicros) {
        var id = providerId.isBlank() ? "attempt-" + attempt : providerId;
        send(job, CostIncurred.chargeId(job.jobId(), id), CostIncurred.Entry.CHARGE, 1, reportedMicros, false,
                providerId.isBlank() ? null : providerId, attempt, provider + " took the submission.");
    }

    /** The provider ended a submission it took without the work it bills for (its own failure): the charge is taken back. */
    void credited(EncodedJob job, String providerId, int attempt, String why) {
        send(job, CostIncurred.creditId(job.jobId(), providerId), CostIncurred.Entry.CREDIT, -1, null, false, providerId, attempt,
                provider + " does not bill for it: " + why);
    }

    /**
     * The answer to submission {@code attempt} was lost: the provider may hold (and bill) a job DESAYRE cannot
     * find. A possible charge, shown as such and left out of totals.
     */
    void possiblyCharged(EncodedJob job, int attempt, boolean resubmitted) {
        send(job, CostIncurred.unknownId(job.jobId(), attempt), CostIncurred.Entry.CHARGE, 1, null, true, null, attempt,
                "The answer to attempt " + attempt + " was lost: " + provider + " may have billed it"
                        + (resubmitted ? ", and the job was sent again (a possible second charge)." : "."));
    }

    private void send(EncodedJob job, String entryId, CostIncurred.Entry entry, int sign, Long reportedMicros,
                      boolean possibleDuplicate, String providerId, int attempt, String reason) {
        var quantity = PriceList.quantityOf(job.spec());
        var micros = prices.micros(job.route().model(), quantity.outputs(), quantity.videoSeconds(), quantity.resolution(), Instant.now());
        events.send(Topics.LEDGER, job.jobId(), CostIncurred.of(entryId, job.jobId(), job.spec(), job.route(), entry,
                quantity.outputs(), quantity.videoSeconds(), quantity.resolution(), prices.currency(), sign * micros, reportedMicros,
                possibleDuplicate, providerId, attempt, reason), java.util.Map.of());
    }
}
