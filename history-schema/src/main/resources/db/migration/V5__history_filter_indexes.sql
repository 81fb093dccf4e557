-- A kind or status filter that matches few of a user's jobs must not scan all of them
-- (measured at 1M rows: a kind filter matching nothing took 270 ms on jobs_owner_page alone).
create index jobs_owner_kind_page on jobs (owner_id, kind, created_at desc, job_id desc) where deleted_at is null;
create index jobs_owner_status_page on jobs (owner_id, status, created_at desc, job_id desc) where deleted_at is null;
