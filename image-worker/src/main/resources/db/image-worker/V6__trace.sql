-- The job's trace (W3C traceparent of the record that brought it): its steps, provider calls and records carry it
-- (docs/tracing.md).
alter table image_worker_jobs add column trace_parent text;
