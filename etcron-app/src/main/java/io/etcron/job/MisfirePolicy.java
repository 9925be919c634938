package io.etcron.job;

/** What happens to fires that nobody claimed in time (no worker was up, or none had capacity). */
public enum MisfirePolicy {
  /** They are recorded MISSED. */
  SKIP,
  /** The latest runs, the others are recorded MISSED (the default). */
  ONCE,
  /** Each runs, the newest {@code maxCatchUp} of them; older ones are recorded MISSED. */
  ALL
}
