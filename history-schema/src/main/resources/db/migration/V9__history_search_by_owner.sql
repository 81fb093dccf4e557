-- A rare search term in one user's history: the GIN index over (owner_id, search) finds that
-- user's few matches directly, where jobs_search alone finds everybody's and jobs_owner_page
-- (walked in order) reads all of the user's jobs to find none (measured at 1M rows: 400 ms).
-- btree_gin gives text a GIN operator class; it is a trusted extension (PostgreSQL 13+), so the
-- database owner may create it without superuser rights (Neon, Supabase, RDS allow it).
create extension if not exists btree_gin;
create index jobs_owner_search on jobs using gin (owner_id, search) where deleted_at is null;
