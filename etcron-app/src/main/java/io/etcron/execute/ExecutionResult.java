package io.etcron.execute;

import java.util.Optional;

/**
 * How an execution ended.
 *
 * @param exitCode the command's exit code (128 + N when it died of signal N)
 * @param signal the signal that ended it, if any
 * @param outputTail the last {@link OutputCapture#DEFAULT_LIMIT} bytes of output, as UTF-8 text
 * @param outputSize bytes of output produced in all
 */
public record ExecutionResult(
    int exitCode, Optional<Integer> signal, String outputTail, long outputSize) {

  public boolean succeeded() {
    return exitCode == 0;
  }
}
