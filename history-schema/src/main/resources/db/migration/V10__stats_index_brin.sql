-- V8's btree on created_at offered the planner a newest-first walk over every job, and it took it
-- for history pages whose filters match few of a user's jobs: it filtered all 1,000,000 rows for
-- kind=video (450 ms through the gateway, 0.1 ms on jobs_owner_kind_page). A BRIN index serves the
-- statistics' time windows just as well (jobs arrive in created_at order) and cannot be walked in
-- order, so history pages keep to their own indexes.
drop index if exists jobs_created;
create index jobs_created on jobs using brin (created_at);
