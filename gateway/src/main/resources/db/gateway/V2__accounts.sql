-- Accounts, personal API keys and the audit log of admin actions (gateway schema).

create table gateway.users (
    -- usernames are immutable and never reused (accounts are disabled, not deleted): jobs carry
    -- the username as their owner
    username      text primary key check (username ~ '^[a-z0-9][a-z0-9._-]{2,31}$'),
    password_hash text not null,
    role          text not null check (role in ('admin', 'member')),
    enabled       boolean not null default true,
    -- bumped when the password changes or the account is disabled: session tokens carry the
    -- epoch they were issued under and stop working once it moves on
    session_epoch integer not null default 0,
    created_at    timestamptz not null default now(),
    created_by    text not null,
    updated_at    timestamptz not null default now(),
    last_login_at timestamptz
);

create table gateway.api_keys (
    key_id        text primary key,
    owner         text not null references gateway.users (username),
    name          text not null,
    -- SHA-256 of a 256-bit random secret: see ApiKeys for why a fast hash is right here
    secret_sha256 bytea not null,
    created_at    timestamptz not null default now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
create index api_keys_owner on gateway.api_keys (owner) where revoked_at is null;

create table gateway.audit_log (
    id     bigint generated always as identity primary key,
    at     timestamptz not null default now(),
    actor  text not null,
    action text not null,
    target text,
    detail jsonb not null default '{}'
);
create index audit_log_target on gateway.audit_log (target, id desc);
