-- Projections of the Kafka topics: Kafka stays the source of truth for work in flight.

create table jobs (
    job_id        text primary key,
    owner_id      text        not null,
    kind          text        not null,
    status        text        not null,
    stage         text,
    message       text,
    error_code    text,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    completed_at  timestamptz
);
create index jobs_owner_created on jobs (owner_id, created_at desc, job_id desc);

-- every status event once (event_id is the idempotency key), for a job's timeline
create table job_status_events (
    event_id     text primary key,
    job_id       text        not null,
    status       text        not null,
    stage        text,
    progress     integer,
    message      text,
    error_code   text,
    occurred_at  timestamptz not null,
    recorded_at  timestamptz not null default now()
);
create index job_status_events_job on job_status_events (job_id, occurred_at);

create table media (
    job_id       text    not null,
    idx          integer not null,
    storage_key  text    not null,
    mime_type    text    not null,
    width        integer not null,
    height       integer not null,
    bytes        bigint  not null,
    sha256       text    not null,
    provider_request_id text,
    model        text,
    created_at   timestamptz not null default now(),
    primary key (job_id, idx)
);
