package io.etcron.store;

import java.time.Instant;
import java.util.List;

/**
 * A request to kill runs of a job, stored at {@code kill/<job>}. It covers every run claimed before
 * it was written (a run's fencing token, the revision of its claim, is smaller than the request's
 * mod revision) plus the runs it lists by id. Ordering by etcd revisions needs no clock, and a
 * request stays harmless once served: later claims have larger revisions.
 *
 * @param at when it was asked for (the master's clock; informational)
 * @param runs run ids to kill whatever their claim revision
 * @param by who asked
 * @param reason why, shown in the killed runs' records
 */
public record KillRequest(Instant at, List<String> runs, String by, String reason) {

  /** Whether the run {@code runId}, claimed at revision {@code fencingToken}, must die. */
  public boolean covers(String runId, long fencingToken, long requestRevision) {
    return fencingToken < requestRevision || runs.contains(runId);
  }
}
