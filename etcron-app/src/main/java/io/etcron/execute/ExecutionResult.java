package io.etcron.execute;

import java.util.Optional;

/**
 * How an execution ended.
 *
 * @param exitCode the command's exit code (128 + N when it died of signal N)
 * @param signal the signal that ended it, if any
 * @param outputTail the last {@link OutputCapture#DEFAULT_LIMIT} bytes of output, as UTF-8 text
 * @param outputSize bytes of output produced in all
 * @param reason why it failed, when the executor knows better than an exit code (an HTTP call's
 *     status or connection error)
 * @param timedOut whether the executor ended it for taking too long (an HTTP call's own timeout)
 */
public record ExecutionResult(
    int exitCode,
    Optional<Integer> signal,
    String outputTail,
    long outputSize,
    Optional<String> reason,
    boolean timedOut) {

  /** The result of a command: its exit code and signal tell how it ended. */
  public ExecutionResult(
      int exitCode, Optional<Integer> signal, String outputTail, long outputSize) {
    this(exitCode, signal, outputTail, outputSize, Optional.empty(), false);
  }

  /** Exit code of a watchdog that did not start the command (as a shell's "cannot execute"). */
  public static final int NOT_STARTED = 126;

  private static final String NOT_STARTED_LINE = "etcron: not started: ";

  public boolean succeeded() {
    return exitCode == 0;
  }

  /**
   * Why the watchdog did not start the command (no such user, a user this worker may not run as),
   * when that is how it ended: its only output is then the watchdog's one line saying so.
   */
  public Optional<String> notStarted() {
    if (exitCode != NOT_STARTED
        || !outputTail.startsWith(NOT_STARTED_LINE)
        || outputTail.indexOf('\n') != outputTail.length() - 1) {
      return Optional.empty();
    }
    return Optional.of("not started: " + outputTail.substring(NOT_STARTED_LINE.length()).trim());
  }
}
