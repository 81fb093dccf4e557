-- The seed the provider says it used for an output (MediaReady.seed): a job asked with no seed gets a random one,
-- and the libraries show it so it can be reused (remix). jobs.seed stays what was asked (null: random).
alter table media add column seed bigint;
