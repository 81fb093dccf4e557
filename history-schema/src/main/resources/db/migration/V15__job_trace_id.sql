-- the job's trace id (W3C, 32 hex digits), from the traceparent header on its records: GET /api/jobs/{id} answers
-- it once the gateway's Redis status cache (7 days) has forgotten the job
alter table jobs add column trace_id text;
