-- ModelsLab's future_links from the processing answer: where a finished job's outputs are when its
-- success names none (providers.md §1.4). Never an output by itself. One URL per line.
alter table image_worker_jobs add column future_links text;
