-- The rest of what was asked, so a failed job can be retried from its inputs alone.
alter table jobs add column source_media_key text;
alter table jobs add column duration_seconds integer;
alter table jobs add column resolution       text;
