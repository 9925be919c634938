package io.etcron.execute;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A running command. Thread-safe. */
public interface Execution {

  /** Completes when the command has exited and its output is fully read. */
  CompletableFuture<ExecutionResult> done();

  /**
   * Kills the command's whole process tree: SIGTERM, then SIGKILL after {@code grace} ({@link
   * Duration#ZERO} for SIGKILL at once). Returns without waiting for the exit.
   */
  void kill(Duration grace);
}
