package io.etcron.execute;

/** Starts executions of commands. Implementations are thread-safe. */
public interface Executor {

  /**
   * Starts {@code request} and returns at once; never blocks on the command.
   *
   * @throws java.io.UncheckedIOException when the command cannot be started at all
   */
  Execution start(ExecutionRequest request);
}
