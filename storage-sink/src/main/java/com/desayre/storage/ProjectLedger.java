package com.desayre.storage;

import com.desayre.contracts.CostIncurred;
import com.desayre.contracts.EventJson;
import com.desayre.platform.DeadLetters;
import com.desayre.platform.JobEvents;
import com.desayre.platform.JobTrace;
import com.desayre.platform.PollSends;
import com.desayre.platform.PolledRecord;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.messaging.Message;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.ledger} into {@code ledger_entries}, one row per entry id (docs/costs.md). The first record of
 * an entry writes it; a repeat (a redelivery, a retried poll, a restarted worker) changes nothing but may add what the
 * provider reported it charged, once. So an entry is charged exactly once however often its record arrives.
 *
 * <p>A poll at a time (up to 100 entries) in one multi-row insert, written as {@link PollWriter} writes a poll: a
 * database that is away is waited out however long (an entry is never dead-lettered for it), and should the insert
 * fail for another reason the entries are recorded one at a time to find the one at fault. A record that is not a
 * ledger entry goes to {@code generation.ledger.dlq} on its first delivery, from the poll, holding up nothing behind
 * it. Blocking: the Kafka consumer thread that calls it is not an event loop.
 */
@Component("projectLedger")
class ProjectLedger implements Consumer<Message<List<byte[]>>> {
    static final String BINDING = "projectLedger-in-0";
    // generation.ledger has no other consumer group: the input's own DLQ (Topics.WITH_DLQ), as for storeMedia
    static final String DLQ = "generation.ledger.dlq";

    private final DatabaseClient db;
    private final JobEvents events;
    private final PollWriter<CostIncurred> writer;

    ProjectLedger(DatabaseClient db, JobEvents events, BindingServiceProperties bindings) {
        this.db = db;
        this.events = events;
        this.writer = new PollWriter<>("ledger entries", entry -> "ledger entry " + entry.entryId(), this::recordAll,
                bindings.getConsumerProperties(BINDING), events, DLQ);
    }

    @Override
    public void accept(Message<List<byte[]>> poll) {
        var sends = new PollSends();
        var read = new ArrayList<PollWriter.Read<CostIncurred>>();
        for (var record : PolledRecord.of(poll)) {
            try {
                read.add(new PollWriter.Read<>(record, EventJson.read(record.value(), CostIncurred.class)));
            } catch (RuntimeException e) {
                // not a ledger entry: it never will be
                try (var trace = JobTrace.resume(record.traceparent(), StoreMedia.STAGE)) {
                    sends.add(record.index(), DeadLetters.publish(events, DLQ, record, e));
                }
            }
        }
        writer.write(read, sends);
    }

    /**
     * Records entries in one statement. An entry twice among them is one row, merged first (a multi-row upsert must not
     * touch a row twice): the first record's values, and the first figure the provider reported.
     */
    void recordAll(List<CostIncurred> entries) {
        // in entry id order: rows are locked in one order
        var first = new TreeMap<String, CostIncurred>();
        var reported = new HashMap<String, Long>();
        for (var entry : entries) {
            first.putIfAbsent(entry.entryId(), entry);
            if (entry.reportedMicros() != null) {
                reported.putIfAbsent(entry.entryId(), entry.reportedMicros());
            }
        }
        if (first.isEmpty()) {
            return;
        }
        var values = new JobProjection.Values(String.class, String.class, String.class, String.class, String.class, String.class,
                String.class, Integer.class, Integer.class, String.class, String.class, Long.class, Long.class, Boolean.class,
                String.class, Integer.class, String.class, OffsetDateTime.class);
        for (var entry : first.values()) {
            values.row(entry.entryId(), entry.jobId(), entry.ownerId(), entry.kind().name(), entry.provider(), entry.model(),
                    entry.entry().name(), entry.outputs(), entry.videoSeconds(), entry.resolution(), entry.currency(),
                    entry.amountMicros(), reported.get(entry.entryId()), entry.possibleDuplicate(), entry.providerRequestId(),
                    entry.attempt(), entry.reason(), entry.occurredAt().atOffset(ZoneOffset.UTC));
        }
        // a row already there keeps its values; a repeat only adds the provider's figure, once
        values.bindTo(db.sql("""
                insert into ledger_entries (entry_id, job_id, owner_id, kind, provider, model, entry, outputs, video_seconds,
                                            resolution, currency, amount_micros, reported_micros, possible_duplicate,
                                            provider_request_id, attempt, reason, occurred_at)
                values %s
                on conflict (entry_id) do update set reported_micros = excluded.reported_micros
                where ledger_entries.reported_micros is null and excluded.reported_micros is not null"""
                .formatted(values.sql()))).then().block();
    }

    /** The binding's error handler ({@code common-error-handler-bean-name: projectLedgerErrors}). */
    @Configuration(proxyBeanMethods = false)
    static class Binding {
        @Bean
        CommonErrorHandler projectLedgerErrors(JobEvents events, BindingServiceProperties bindings) {
            return DeadLetters.errorHandler(events, bindings.getConsumerProperties(BINDING), DLQ);
        }
    }
}
