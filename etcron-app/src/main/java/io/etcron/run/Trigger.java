package io.etcron.run;

/** What made a run. */
public enum Trigger {
  /** The job's schedule. */
  SCHEDULE,
  /** Someone asked for it ({@code trigger}). */
  MANUAL,
  /** A run of one of its parents ended (the job's {@code after}). */
  AFTER
}
