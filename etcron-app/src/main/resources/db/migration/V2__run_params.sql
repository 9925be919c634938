-- The parameters a manual run was asked with: a JSON object of variable names to values, '{}'
-- for none. Bounded by the API's request body (256 KiB), which carries them.
ALTER TABLE runs ADD COLUMN params VARCHAR(262144) DEFAULT '{}' NOT NULL;
