package com.desayre.gateway.costs;

import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * What a job cost: the sum of its ledger entries (charges less credits; possible duplicates listed, not counted).
 *
 * @param amount             charges less credits, in {@code currency}
 * @param possibleDuplicates what the provider may also have billed (lost answers), not in {@code amount}
 * @param entries            every entry, oldest first
 */
public record JobCost(BigDecimal amount, String currency, BigDecimal possibleDuplicates, List<Entry> entries) {

    /**
     * One ledger entry.
     *
     * @param amount             the configured price (negative for a credit)
     * @param reported           what the provider said it charged, where it says (xAI), or null
     * @param differs            the provider's figure is not the configured price: check the prices
     * @param possibleDuplicate  the provider may or may not have billed it; not counted
     */
    public record Entry(String entryId, String entry, BigDecimal amount, @Schema(nullable = true) BigDecimal reported,
                        boolean differs, boolean possibleDuplicate, String model, @Schema(nullable = true) String providerRequestId,
                        int attempt, String reason, Instant at) {
    }
}
