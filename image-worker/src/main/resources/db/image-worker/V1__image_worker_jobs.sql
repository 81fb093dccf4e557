-- The image-worker's in-flight jobs, in its own schema (image_worker) with its own Flyway history:
-- storage-sink owns the public schema of the same database.
create table image_worker_jobs (
    job_id           text primary key,
    model            text        not null,
    job              text        not null,            -- the EncodedJob as received (JSON)
    state            text        not null,            -- QUEUED, SUBMITTING, POLLING, DONE, FAILED
    attempts         int         not null default 0,  -- submits sent
    polls            int         not null default 0,
    parked           boolean     not null default false,
    provider_id      text,                            -- the provider's job id, kept the moment it is known
    fetch_url        text,
    next_at          timestamptz not null,
    deadline_at      timestamptz not null,
    lease_owner      text,
    lease_until      timestamptz,
    failure          text,                            -- last failure class, for people and the DLQ
    error_code       text,
    source_partition int,
    source_offset    bigint,
    source_timestamp bigint,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);

create index image_worker_jobs_due on image_worker_jobs (next_at) where state in ('QUEUED', 'SUBMITTING', 'POLLING');
create index image_worker_jobs_finished on image_worker_jobs (updated_at) where state in ('DONE', 'FAILED');
