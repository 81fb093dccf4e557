-- The worker kit (shared with the video-worker) tells long jobs' progress now and then, and can
-- cancel a job: the last percentage told, and when.
alter table image_worker_jobs add column progress int;
alter table image_worker_jobs add column noticed_at timestamptz;
