-- Monthly spend caps (docs/costs.md): a user's own, and the row '*' for everyone without one (no row: no cap).
-- Spend is read from storage-sink's ledger_entries (charges less credits, this UTC month).
create table gateway.budgets (
    username       text primary key,
    -- millionths of desayre.pricing.currency: 0 stops the user generating anything priced
    monthly_micros bigint not null check (monthly_micros >= 0),
    set_by         text not null,
    set_at         timestamptz not null default now()
);
