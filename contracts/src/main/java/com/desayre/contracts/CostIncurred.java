package com.desayre.contracts;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * On {@link Topics#LEDGER}, keyed by job id: one entry of the cost ledger (docs/costs.md). A worker
 * writes one the moment a provider takes a submission (the billable moment), a credit when the provider
 * ends that submission without work it bills for, and a possible charge for a submission whose outcome
 * is unknown. {@code entryId} is derived from the job and the provider's id (or the attempt), never
 * random: a record sent twice, a poll retried or a worker restarted writes the same id again, and
 * storage-sink keeps one row per id, so nothing is charged twice.
 *
 * @param entryId           {@code <jobId>/charge/<providerRequestId>}, {@code <jobId>/credit/<providerRequestId>}
 *                          or {@code <jobId>/unknown/<attempt>}: the ledger's unique key
 * @param entry             a charge, or a credit that takes one back
 * @param outputs           what is billed per output (an image): 1 per submission, 0 for a video
 * @param videoSeconds      what is billed per second (a video), 0 for an image
 * @param resolution        a video's resolution (prices may differ by it); null for an image
 * @param amountMicros      the configured price, in millionths of {@code currency}; negative for a credit; 0 when
 *                          the model has no configured price
 * @param reportedMicros    what the provider itself said it charged (xAI's {@code usage.cost_in_usd_ticks}), in
 *                          millionths of US dollars; null where the provider says nothing. A later record with the
 *                          same {@code entryId} may bring it; it never changes {@code amountMicros}
 * @param possibleDuplicate the provider may or may not have billed this (a submission whose answer was lost): shown
 *                          as such, left out of totals and budgets
 * @param providerRequestId the provider's id of the submission; null when it never gave one (an unknown outcome)
 * @param attempt           the submission attempt (1 for the first)
 * @param reason            a sentence for people: why this entry exists
 */
public record CostIncurred(
        int schemaVersion,
        String eventId,
        String entryId,
        String jobId,
        Instant occurredAt,
        String ownerId,
        JobKind kind,
        String provider,
        String model,
        Entry entry,
        int outputs,
        int videoSeconds,
        @Nullable String resolution,
        String currency,
        long amountMicros,
        @Nullable Long reportedMicros,
        boolean possibleDuplicate,
        @Nullable String providerRequestId,
        int attempt,
        String reason) {

    public static final int SCHEMA_VERSION = 1;

    /** What an entry does to the spend. */
    public enum Entry {
        /** The provider took a submission: it bills for it. */
        CHARGE,
        /** The provider ended a submission it took without the work it bills for: the charge is taken back. */
        CREDIT
    }

    public CostIncurred {
        if (entryId == null || entryId.isBlank() || jobId == null || entry == null) {
            throw new IllegalArgumentException("a ledger entry names its entry id, job and kind");
        }
    }

    public static String chargeId(String jobId, String providerRequestId) {
        return jobId + "/charge/" + providerRequestId;
    }

    public static String creditId(String jobId, String providerRequestId) {
        return jobId + "/credit/" + providerRequestId;
    }

    public static String unknownId(String jobId, int attempt) {
        return jobId + "/unknown/" + attempt;
    }

    /** A new entry; {@code eventId} is random (it names this record), {@code entryId} is not. */
    public static CostIncurred of(String entryId, String jobId, JobSpec spec, Route route, Entry entry, int outputs,
                                  int videoSeconds, String resolution, String currency, long amountMicros, Long reportedMicros,
                                  boolean possibleDuplicate, String providerRequestId, int attempt, String reason) {
        return new CostIncurred(SCHEMA_VERSION, UUID.randomUUID().toString(), entryId, jobId, Instant.now(), spec.ownerId(),
                spec.kind(), route.provider(), route.model(), entry, outputs, videoSeconds, resolution, currency, amountMicros,
                reportedMicros, possibleDuplicate, providerRequestId, attempt, reason);
    }

    /** The same entry with the provider's own figure beside the configured price. */
    public CostIncurred withReported(long micros) {
        return new CostIncurred(schemaVersion, UUID.randomUUID().toString(), entryId, jobId, Instant.now(), ownerId, kind,
                provider, model, entry, outputs, videoSeconds, resolution, currency, amountMicros, micros, possibleDuplicate,
                providerRequestId, attempt, reason);
    }
}
