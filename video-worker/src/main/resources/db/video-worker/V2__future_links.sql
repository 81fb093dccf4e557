-- Where a finished job's outputs are when its answer names none (worker-kit's JobStore writes it for
-- every worker; xAI gives no such links, so it stays empty here). One URL per line.
alter table video_worker_jobs add column future_links text;
