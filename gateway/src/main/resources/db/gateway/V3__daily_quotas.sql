-- Daily generation quotas admins set per user; a user without a row has desayre.limits.daily-quota.
-- Usage is counted in Redis per UTC day (see docs/limits.md).
create table gateway.user_quotas (
    username    text primary key references gateway.users (username),
    -- units per UTC day (an image 1, an edit 2, a video 5 by default): 0 stops the user generating
    daily_quota bigint not null check (daily_quota >= 0),
    set_by      text not null,
    set_at      timestamptz not null default now()
);
