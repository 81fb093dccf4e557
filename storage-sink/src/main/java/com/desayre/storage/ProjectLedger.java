package com.desayre.storage;

import com.desayre.contracts.CostIncurred;
import com.desayre.platform.DatabaseOutages;
import java.time.ZoneOffset;
import java.util.function.Consumer;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.ledger} into {@code ledger_entries}, one row per entry id (docs/costs.md). The
 * first record of an entry writes it; a repeat (a redelivery, a retried poll, a restarted worker) changes
 * nothing but may add what the provider reported it charged, once. So an entry is charged exactly once
 * however often its record arrives. Blocking: the Kafka consumer thread that calls it is not an event loop.
 */
@Component("projectLedger")
class ProjectLedger implements Consumer<CostIncurred> {
    private final DatabaseClient db;

    ProjectLedger(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public void accept(CostIncurred entry) {
        // a database that is away is waited out: an entry is never dead-lettered for it
        DatabaseOutages.waitOut("ledger entry " + entry.entryId() + " waits to be recorded", () -> record(entry));
    }

    private Void record(CostIncurred entry) {
        return db.sql("""
                insert into ledger_entries (entry_id, job_id, owner_id, kind, provider, model, entry, outputs, video_seconds,
                                            resolution, currency, amount_micros, reported_micros, possible_duplicate,
                                            provider_request_id, attempt, reason, occurred_at)
                values (:entryId, :jobId, :ownerId, :kind, :provider, :model, :entry, :outputs, :videoSeconds, :resolution,
                        :currency, :amount, :reported, :possibleDuplicate, :providerRequestId, :attempt, :reason, :occurredAt)
                on conflict (entry_id) do update set reported_micros = excluded.reported_micros
                where ledger_entries.reported_micros is null and excluded.reported_micros is not null""")
                .bind("entryId", entry.entryId())
                .bind("jobId", entry.jobId())
                .bind("ownerId", entry.ownerId())
                .bind("kind", entry.kind().name())
                .bind("provider", entry.provider())
                .bind("model", entry.model())
                .bind("entry", entry.entry().name())
                .bind("outputs", entry.outputs())
                .bind("videoSeconds", entry.videoSeconds())
                .bind("resolution", entry.resolution() == null ? io.r2dbc.spi.Parameters.in(String.class) : entry.resolution())
                .bind("currency", entry.currency())
                .bind("amount", entry.amountMicros())
                .bind("reported", entry.reportedMicros() == null ? io.r2dbc.spi.Parameters.in(Long.class) : entry.reportedMicros())
                .bind("possibleDuplicate", entry.possibleDuplicate())
                .bind("providerRequestId", entry.providerRequestId() == null ? io.r2dbc.spi.Parameters.in(String.class)
                        : entry.providerRequestId())
                .bind("attempt", entry.attempt())
                .bind("reason", entry.reason())
                .bind("occurredAt", entry.occurredAt().atOffset(ZoneOffset.UTC))
                .then().block();
    }
}
