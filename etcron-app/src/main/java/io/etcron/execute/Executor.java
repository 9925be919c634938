package io.etcron.execute;

/** Starts executions of commands. Implementations are thread-safe. */
public interface Executor {

  /**
   * Starts {@code request} and returns at once; never blocks on the command.
   *
   * @throws java.io.UncheckedIOException when the command cannot be started at all
   */
  Execution start(ExecutionRequest request);

  /**
   * Whether a started command can outlive the worker's process (it runs in a process of its own),
   * so that its end needs an {@link ExecutionRequest#exitNote() exit note} to be known after the
   * worker died. An in-process executor's work dies with the worker: it needs none.
   */
  default boolean outlivesWorker() {
    return false;
  }
}
