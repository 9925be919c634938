package io.etcron.job;

/** A write named a version other than the job's current one: someone else changed it. */
public final class VersionConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long expected;
  private final long actual;

  public VersionConflictException(String name, long expected, long actual) {
    super(
        expected == JobStore.ABSENT
            ? "job " + name + " already exists (version " + actual + ")"
            : actual == 0
                ? "job " + name + " does not exist any more (expected version " + expected + ")"
                : "job "
                    + name
                    + " was changed by someone else: expected version "
                    + expected
                    + ", current version "
                    + actual
                    + "; reload it and apply your change again");
    this.expected = expected;
    this.actual = actual;
  }

  public long expected() {
    return expected;
  }

  /** The current version (0 when the job does not exist). */
  public long actual() {
    return actual;
  }
}
