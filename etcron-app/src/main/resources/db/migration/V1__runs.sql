-- One schema for H2 (in PostgreSQL mode) and PostgreSQL. Times are epoch milliseconds.
CREATE TABLE runs (
  run_id        VARCHAR(200)    NOT NULL PRIMARY KEY,
  job           VARCHAR(128)    NOT NULL,
  fire_time     BIGINT          NOT NULL,
  trigger_kind  VARCHAR(16)     NOT NULL,
  state         VARCHAR(16)     NOT NULL,
  started_at    BIGINT,
  ended_at      BIGINT,
  worker        VARCHAR(200)    NOT NULL,
  fencing_token BIGINT          NOT NULL,
  attempt       INTEGER         NOT NULL,
  exit_code     INTEGER,
  signal        INTEGER,
  reason        VARCHAR(4000)   NOT NULL,
  output_tail   VARCHAR(200000) NOT NULL,
  output_size   BIGINT          NOT NULL,
  updated_at    BIGINT          NOT NULL
);

-- Listings are newest first on one of these filters; each index serves one of them with a
-- range scan in index order, so a page costs the same at 10 million rows as at 10.
CREATE INDEX runs_by_fire ON runs (fire_time DESC, run_id DESC);
CREATE INDEX runs_by_job ON runs (job, fire_time DESC, run_id DESC);
CREATE INDEX runs_by_state ON runs (state, fire_time DESC, run_id DESC);
CREATE INDEX runs_by_worker ON runs (worker, fire_time DESC, run_id DESC);

-- Live output, in chunks, keyed by their offset in the run's whole output. No foreign key:
-- a chunk may be stored before its run's row; retention deletes both.
CREATE TABLE run_output (
  run_id       VARCHAR(200) NOT NULL,
  start_offset BIGINT       NOT NULL,
  chunk        BYTEA        NOT NULL,
  PRIMARY KEY (run_id, start_offset)
);
