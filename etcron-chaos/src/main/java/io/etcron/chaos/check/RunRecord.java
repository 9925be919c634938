package io.etcron.chaos.check;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of the run store.
 *
 * @param runId the run id (the primary key)
 * @param job the job's name
 * @param fireTime the fire time
 * @param trigger {@code SCHEDULE} or {@code MANUAL}
 * @param state the run state's name ({@code RUNNING}, {@code SUCCEEDED}, {@code LOST}, ...)
 * @param worker the worker that recorded it
 * @param token the fencing token
 * @param attempt the attempt the record describes
 * @param reason the record's reason text
 */
public record RunRecord(
    String runId,
    String job,
    Instant fireTime,
    String trigger,
    String state,
    String worker,
    long token,
    int attempt,
    String reason) {

  public RunRecord {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(fireTime, "fireTime");
    Objects.requireNonNull(state, "state");
    reason = reason == null ? "" : reason;
  }

  /** The same record in another state. */
  public RunRecord withState(String newState) {
    return new RunRecord(runId, job, fireTime, trigger, newState, worker, token, attempt, reason);
  }

  /** The same record with another fencing token. */
  public RunRecord withToken(long newToken) {
    return new RunRecord(runId, job, fireTime, trigger, state, worker, newToken, attempt, reason);
  }

  /** Whether the record says the fire did not run (SKIPPED or MISSED). */
  public boolean notRun() {
    return state.equals("SKIPPED") || state.equals("MISSED");
  }
}
