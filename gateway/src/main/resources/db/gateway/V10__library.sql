-- The libraries (/images, /videos): a user's favourite jobs (the star on a tile), and short-lived links to a zip of
-- chosen jobs' media (the browser downloads it with a plain GET, so it is streamed to disk, never held in a blob).
-- The jobs themselves are storage-sink's public.jobs; a deleted job's star is simply never shown again.
create table gateway.favourites (
    owner_id   text not null,
    job_id     text not null,
    created_at timestamptz not null default now(),
    primary key (owner_id, job_id)
);

create table gateway.zip_links (
    id         text primary key,
    owner_id   text not null,
    job_ids    text[] not null,
    expires_at timestamptz not null
);
create index zip_links_expiry on gateway.zip_links (expires_at);
