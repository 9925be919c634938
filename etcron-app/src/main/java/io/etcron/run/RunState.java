package io.etcron.run;

/** The states of a run. Only RUNNING is not terminal. */
public enum RunState {
  RUNNING,
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  KILLED,
  /** Its worker lost its lease while it ran: it was killed, or the worker died. */
  LOST,
  /** Not run: the previous run still held the job (policy forbid). */
  SKIPPED,
  /** Not run: nobody claimed it in time, or it was older than the starting deadline. */
  MISSED;

  public boolean isTerminal() {
    return this != RUNNING;
  }
}
