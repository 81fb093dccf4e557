-- The video-worker's in-flight jobs, in its own schema (video_worker) with its own Flyway history:
-- storage-sink owns the public schema of the same database. The worker kit's table (the same
-- shape as image_worker.image_worker_jobs).
create table video_worker_jobs (
    job_id           text primary key,
    model            text        not null,
    job              text        not null,            -- the EncodedJob as received (JSON); 'null' for a cancel that came first
    state            text        not null,            -- QUEUED, SUBMITTING, POLLING, DONE, FAILED, CANCELLED
    attempts         int         not null default 0,  -- submits sent
    polls            int         not null default 0,
    parked           boolean     not null default false,
    provider_id      text,                            -- xAI's request_id, kept the moment it is known
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
    lane             text        not null default 'INTERACTIVE',
    progress         int,                             -- xAI's last percentage told to the user
    noticed_at       timestamptz,                     -- when the user was last told
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);

-- Kafka has no priority: the worker's own queue prefers the interactive lane
create index video_worker_jobs_due_by_lane on video_worker_jobs ((lane = 'BATCH'), next_at)
    where state in ('QUEUED', 'SUBMITTING', 'POLLING');
create index video_worker_jobs_finished on video_worker_jobs (updated_at) where state in ('DONE', 'FAILED', 'CANCELLED');
