-- A video's length, read from its MP4 index (null for images).
alter table media add column duration_millis bigint;
