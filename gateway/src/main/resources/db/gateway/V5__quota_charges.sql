-- Every unit charged against a daily quota, one row per admitted generation request (docs/limits.md,
-- "Through Redis trouble"). Redis holds the shared counters; this ledger is what makes them whole
-- again after an outage: charges made while Redis could not be reached are written here first and
-- added to Redis's daily counter once it answers (exactly once: Redis remembers each charge id).
create table gateway.quota_charges (
    -- the charge's id, also a field of the user's Redis hash of charges for the day
    id         uuid        primary key,
    username   text        not null,
    -- the UTC day the units count on (days since 1970-01-01)
    day        integer     not null,
    units      integer     not null check (units > 0),
    -- the request's job ids (comma-separated): a refund frees their in-flight slots in Redis too
    job_ids    text        not null,
    charged_at timestamptz not null default now(),
    -- the units were handed back (nothing was published), or the request was refused after Redis timed out
    refunded   boolean     not null default false,
    -- Redis's counters reflect this row (its charge, or its refund); false = a reconciler still has to apply it
    reconciled boolean     not null
);
create index quota_charges_user_day on gateway.quota_charges (username, day);
create index quota_charges_day on gateway.quota_charges (day);
create index quota_charges_pending on gateway.quota_charges (charged_at) where not reconciled;
