package com.desayre.workerkit;

import java.util.List;

/**
 * What a provider said about a job, once its client has read it: done with outputs, or still
 * pending. Anything else is a {@link ProviderFailure}.
 *
 * @param done       the outputs exist
 * @param providerId the provider's id for the job (ModelsLabs {@code id}, xAI {@code request_id})
 * @param outputs    the output URLs (temporary: download at once); empty while pending
 * @param etaSeconds the provider's estimate of the time left, or 0
 * @param pollUrl    where the provider said to poll, or empty
 * @param progress   the provider's percentage, or null
 * @param seed       the seed the provider used, or null
 * @param laterLinks  where the outputs will be once done (ModelsLab {@code future_links}): kept with the job
 *                    as the fallback for a finished answer that names no output, never an output by itself
 * @param reportedCostMicros what the provider said it charged for the job, in millionths of US dollars (xAI's
 *                    {@code usage.cost_in_usd_ticks}), or null: recorded in the cost ledger beside the configured price
 */
public record ProviderAnswer(boolean done, String providerId, List<String> outputs, double etaSeconds, String pollUrl,
                             Integer progress, Long seed, List<String> laterLinks, Long reportedCostMicros) {

    public ProviderAnswer(boolean done, String providerId, List<String> outputs, double etaSeconds, String pollUrl,
                          Integer progress, Long seed, List<String> laterLinks) {
        this(done, providerId, outputs, etaSeconds, pollUrl, progress, seed, laterLinks, null);
    }

    /** This answer with what the provider reported it charged. */
    public ProviderAnswer withReportedCost(long micros) {
        return new ProviderAnswer(done, providerId, outputs, etaSeconds, pollUrl, progress, seed, laterLinks, micros);
    }

    public ProviderAnswer {
        providerId = providerId == null ? "" : providerId;
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        pollUrl = pollUrl == null ? "" : pollUrl;
        laterLinks = laterLinks == null ? List.of() : List.copyOf(laterLinks);
    }

    public static ProviderAnswer pending(String providerId, double etaSeconds, String pollUrl, Integer progress) {
        return pending(providerId, etaSeconds, pollUrl, progress, List.of());
    }

    public static ProviderAnswer pending(String providerId, double etaSeconds, String pollUrl, Integer progress,
                                         List<String> laterLinks) {
        return new ProviderAnswer(false, providerId, List.of(), etaSeconds, pollUrl, progress, null, laterLinks);
    }

    public static ProviderAnswer done(String providerId, List<String> outputs, Long seed) {
        return new ProviderAnswer(true, providerId, outputs, 0, "", 100, seed, List.of());
    }
}
