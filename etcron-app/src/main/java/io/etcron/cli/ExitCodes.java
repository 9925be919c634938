package io.etcron.cli;

/**
 * Exit codes of {@code etcron}, documented in the README. {@code etcron lock} otherwise exits with
 * its command's exit code (128 + N when the command died of signal N).
 */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;

  /** An error not covered below (a bug or an unexpected state); the message says what. */
  public static final int FAILURE = 1;

  /** Bad usage or invalid input: unknown option, invalid name, duration or file. */
  public static final int USAGE = 2;

  /** The master refused the request (not found, conflict, forbidden...). */
  public static final int REFUSED = 3;

  /** etcd (or the master) could not be reached in time. */
  public static final int UNAVAILABLE = 69;

  /**
   * The lock is held by someone else ({@code lock} without {@code --wait}, or the wait timed out).
   */
  public static final int LOCK_TAKEN = 75;

  /** The lock was lost while the command ran; the command's process tree was killed. */
  public static final int LOCK_LOST = 76;

  private ExitCodes() {}
}
