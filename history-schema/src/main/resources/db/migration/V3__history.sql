-- What was asked (from generation.requested), which model made it, soft delete, search and
-- thumbnails: everything the history API reads.
alter table jobs add column prompt            text;
alter table jobs add column aspect_ratio      text;
alter table jobs add column seed              bigint;
alter table jobs add column requested_profile text;
alter table jobs add column enhance           boolean;
alter table jobs add column priority          text;
alter table jobs add column provider          text;
alter table jobs add column model             text;
alter table jobs add column deleted_at        timestamptz;
-- full-text search over what the user wrote and what was sent ('simple': no language stemming)
alter table jobs add column search tsvector generated always as (
    to_tsvector('simple', coalesce(prompt, '') || ' ' || coalesce(encoded_prompt, ''))) stored;

create index jobs_search on jobs using gin (search);
-- keyset pages: a user's history, and everyone's for admins; deleted jobs never listed
drop index if exists jobs_owner_created;
create index jobs_owner_page on jobs (owner_id, created_at desc, job_id desc) where deleted_at is null;
create index jobs_page on jobs (created_at desc, job_id desc) where deleted_at is null;

alter table media add column thumb_key    text;
alter table media add column thumb_width  integer;
alter table media add column thumb_height integer;
