-- The gateway's own tables live in the "gateway" schema (accounts, API keys, audit log).
-- Job projections (public.jobs, media, job_status_events) belong to storage-sink's migrations.
comment on schema gateway is 'DESAYRE gateway: accounts, API keys, audit';
