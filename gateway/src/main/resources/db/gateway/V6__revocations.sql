-- Revoked credentials, read by every gateway instance into a local set it checks each request
-- against (Revocations): a signed-out session (kind 'session', subject the token's sid), a user whose
-- password, standing or role changed (kind 'user', subject the username: instances drop what they
-- cached of the user and end that user's event streams), a revoked API key (kind 'api-key', subject
-- the key id). Rows are kept while a token or cache they concern can still be alive ("until").
create table gateway.revocations (
    id      bigserial primary key,
    kind    text not null check (kind in ('session', 'user', 'api-key')),
    subject text not null,
    until   timestamptz not null,
    at      timestamptz not null default now(),
    -- the writing transaction's id: instances read "tx >= the oldest transaction still running at
    -- their last read", so a row committed late (with a lower id than rows already read) is never missed
    tx      bigint not null default (pg_current_xact_id()::text::bigint)
);
create index revocations_tx on gateway.revocations (tx);
create index revocations_until on gateway.revocations (until);
