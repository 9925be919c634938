package io.etcron.chaos.check;

import java.time.Instant;

/**
 * A fire that etcd says was claimed: a put of {@code cursor/<job>} seen by the harness's watch (or
 * its final read).
 *
 * @param job the job's name
 * @param fireTime the fire time the cursor moved to
 * @param revision the claim's revision (the fencing token of its run)
 */
public record ClaimedFire(String job, Instant fireTime, long revision) {

  /** The run id of a scheduled fire. */
  public String runId() {
    return job + "@" + fireTime.toEpochMilli();
  }
}
