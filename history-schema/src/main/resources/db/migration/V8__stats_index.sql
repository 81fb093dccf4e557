-- The gateway's admin statistics read windows of recent jobs (last hour, day, 7 days), deleted ones
-- included: their work was done and paid for. The history indexes leave deleted jobs out, so a
-- window needs its own range index, or every statistic would read the whole table.
create index jobs_created on jobs (created_at);
