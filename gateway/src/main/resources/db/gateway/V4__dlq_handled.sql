-- DLQ records an admin (or automation) replayed or discarded. Kafka cannot delete one record from
-- the middle of a topic, so a DLQ's depth is its records minus these; a record is never replayed twice
-- by mistake. Rows below a partition's log start (the record expired) no longer count.
create table gateway.dlq_handled (
    topic       text        not null,
    partition   integer     not null,
    "offset"    bigint      not null,
    job_id      text,
    action      text        not null,
    replayed_to text,
    actor       text        not null,
    at          timestamptz not null default now(),
    primary key (topic, partition, "offset")
);
