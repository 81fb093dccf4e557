-- A BRIN range is summarized when it fills, not only at the next vacuum: until then a time window
-- must read every unsummarized range (measured right after 1,000,000 inserts: the 1-hour
-- statistics took 424 ms instead of 39 ms).
alter index jobs_created set (autosummarize = on);
