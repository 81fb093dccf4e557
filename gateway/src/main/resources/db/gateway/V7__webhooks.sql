-- Signed webhooks (docs/webhooks.md). The gateway owns and writes the endpoints; webhook-dispatcher reads them and
-- owns the deliveries' progress (it writes attempts, results and the schedule; the gateway only adds rows to send
-- for /test and resets one for /redeliver). One schema, one migration history: the dispatcher never migrates it.
create table gateway.webhook_endpoints (
    id                    uuid primary key,
    owner                 text not null,
    url                   text not null,
    events                text[] not null,
    description           text,
    enabled               boolean not null default true,
    -- why the dispatcher (or nobody) disabled it: shown to the owner; cleared when the owner enables it again
    disabled_reason       text,
    -- the 32 secret bytes, base64 (the dispatcher needs them to sign, so they cannot be hashed like API keys)
    secret                text not null,
    -- after a rotation the old secret signs too, until previous_secret_until
    previous_secret       text,
    previous_secret_until timestamptz,
    -- a per-request webhookUrl (POST /api/generate/*): an endpoint for that one job's terminal events, never listed
    job_id                uuid,
    -- when deliveries to it started failing without a success since (auto-disable after desayre.webhooks.disable-after)
    failing_since         timestamptz,
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now()
);
create index webhook_endpoints_owner on gateway.webhook_endpoints (owner, created_at) where job_id is null;
create index webhook_endpoints_job on gateway.webhook_endpoints (job_id) where job_id is not null;

create table gateway.webhook_deliveries (
    id               uuid primary key,
    endpoint_id      uuid not null references gateway.webhook_endpoints (id) on delete cascade,
    -- the webhook-id header: the same on every attempt and redelivery, so a receiver can drop duplicates
    event_id         text not null,
    event_type       text not null,
    job_id           uuid,
    -- the body sent, fixed when the delivery is made (signatures cover it byte for byte)
    payload          text not null,
    -- per job and endpoint, a later event waits for every earlier one (ordered by seq)
    seq              bigserial,
    state            text not null default 'pending' check (state in ('pending', 'delivered', 'failed')),
    attempts         int not null default 0,
    next_attempt_at  timestamptz not null default now(),
    last_attempt_at  timestamptz,
    response_status  int,
    latency_ms       int,
    -- at most 1 KB of what the receiver answered, or why no answer came
    response_excerpt text,
    created_at       timestamptz not null default now(),
    -- a redelivered Kafka record never makes a second delivery
    unique (endpoint_id, event_id)
);
create index webhook_deliveries_due on gateway.webhook_deliveries (next_attempt_at) where state = 'pending';
create index webhook_deliveries_endpoint on gateway.webhook_deliveries (endpoint_id, created_at desc);
