-- The cost ledger (docs/costs.md): storage-sink projects generation.ledger here. The entry id is derived
-- from the job and the provider's id (or the attempt), and is the primary key: a record projected twice, a
-- poll retried or a worker restarted writes the same row again, so nothing is charged twice.
create table ledger_entries (
    entry_id            text primary key,
    job_id              text        not null,
    owner_id            text        not null,
    kind                text        not null,
    provider            text        not null,
    model               text        not null,
    entry               text        not null,
    outputs             integer     not null,
    video_seconds       integer     not null,
    resolution          text,
    currency            text        not null,
    -- the configured price in millionths of currency (negative for a credit); never changed once written
    amount_micros       bigint      not null,
    -- what the provider said it charged, in millionths of US dollars: may arrive with a later record
    reported_micros     bigint,
    -- the provider may or may not have billed it (a lost answer): shown, never in totals or budgets
    possible_duplicate  boolean     not null,
    provider_request_id text,
    attempt             integer     not null,
    reason              text        not null,
    occurred_at         timestamptz not null
);
create index ledger_entries_job on ledger_entries (job_id);
-- a user's spend over a period (GET /api/usage, budgets) and everyone's (GET /api/admin/usage, stats)
create index ledger_entries_owner_time on ledger_entries (owner_id, occurred_at);
create index ledger_entries_time on ledger_entries (occurred_at);
