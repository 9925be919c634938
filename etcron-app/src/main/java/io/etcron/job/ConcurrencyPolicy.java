package io.etcron.job;

/** What happens when a fire comes while the job's previous run is still running. */
public enum ConcurrencyPolicy {
  /** Runs overlap. */
  ALLOW,
  /** The new fire is recorded SKIPPED (the default). */
  FORBID,
  /** The running run is killed and the new one starts. */
  REPLACE
}
