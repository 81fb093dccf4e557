-- What was sent to the model, and the encoder version that made it (from the ENCODED status).
alter table jobs add column encoded_prompt  text;
alter table jobs add column negative_prompt text;
alter table jobs add column style_profile   text;
alter table jobs add column encoder_version text;
