-- Deadlines count the right time (worker-kit's JobProgress, docs/architecture.md "Deadlines and the line for the
-- provider"): waiting in DESAYRE's own line never counts; the provider deadline starts when the provider takes the job.
alter table image_worker_jobs alter column deadline_at drop not null;
alter table image_worker_jobs add column sent_at timestamptz;              -- the last submit went out (time at the provider, for the line's ETA)
alter table image_worker_jobs add column accepted_at timestamptz;          -- the provider took the job: its deadline counts from here
alter table image_worker_jobs add column provider_keeps_until timestamptz;  -- past it the provider keeps no result: polling stops
alter table image_worker_jobs add column late_told boolean not null default false;  -- the user was told it takes longer than usual
-- The line for the provider: its order (interactive first, then line_at), each job's place last told
-- (WAITING), and the request's own limit on waiting (maxWaitSeconds, counted from entered_at).
alter table image_worker_jobs add column line_at timestamptz;
alter table image_worker_jobs add column queue_position int;
alter table image_worker_jobs add column queue_told_at timestamptz;
alter table image_worker_jobs add column entered_at timestamptz;
alter table image_worker_jobs add column wait_until timestamptz;

-- jobs not at the provider yet have no deadline; jobs being polled keep theirs and get the default horizon
update image_worker_jobs set deadline_at = null where state in ('QUEUED', 'SUBMITTING');
update image_worker_jobs set accepted_at = created_at, provider_keeps_until = created_at + interval '24 hours' where state = 'POLLING';
update image_worker_jobs set line_at = next_at, entered_at = created_at where state = 'QUEUED';

create index image_worker_jobs_line on image_worker_jobs ((lane = 'BATCH'), line_at, job_id) where state = 'QUEUED';
