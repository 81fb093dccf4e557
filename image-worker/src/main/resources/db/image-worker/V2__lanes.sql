-- Kafka has no priority: the worker's own queue prefers the interactive lane, so a large batch
-- never makes a person at the studio wait behind it.
alter table image_worker_jobs add column lane text not null default 'INTERACTIVE';
create index image_worker_jobs_due_by_lane on image_worker_jobs ((lane = 'BATCH'), next_at)
    where state in ('QUEUED', 'SUBMITTING', 'POLLING');
