-- A run fired by its parent's end (a job's `after`) has an id that names its parent's, so a chain
-- of jobs gives longer ids: RunId.MAX_LENGTH is 1000 characters.
ALTER TABLE runs ALTER COLUMN run_id SET DATA TYPE VARCHAR(1000);
ALTER TABLE run_output ALTER COLUMN run_id SET DATA TYPE VARCHAR(1000);
ALTER TABLE run_ends ALTER COLUMN run_id SET DATA TYPE VARCHAR(1000);
ALTER TABLE notifications ALTER COLUMN run_id SET DATA TYPE VARCHAR(1000);
