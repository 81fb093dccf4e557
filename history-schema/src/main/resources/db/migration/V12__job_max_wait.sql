-- A request's limit on waiting in line for the provider (JobSpec.maxWaitSeconds), so a retry keeps it.
alter table jobs add column max_wait_seconds integer;
