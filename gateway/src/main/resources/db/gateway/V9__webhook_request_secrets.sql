-- The secret that signs a user's per-request webhooks (webhookUrl on POST /api/generate/*): one per user, made on first
-- use, shown by GET /api/webhooks/request-secret. Each per-request endpoint (webhook_endpoints.job_id set) copies it when
-- the job is accepted.
create table gateway.webhook_request_secrets (
    owner      text primary key,
    secret     text not null,
    created_at timestamptz not null default now()
);
