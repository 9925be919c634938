package io.etcron.execute;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs nothing: each execution succeeds at once with no output. For benchmarks that measure
 * scheduling and claiming apart from process spawning.
 */
public final class NoopExecutor implements Executor {
  private static final ExecutionResult SUCCESS = new ExecutionResult(0, Optional.empty(), "", 0);

  @Override
  public Execution start(ExecutionRequest request) {
    CompletableFuture<ExecutionResult> done = CompletableFuture.completedFuture(SUCCESS);
    return new Execution() {
      @Override
      public CompletableFuture<ExecutionResult> done() {
        return done;
      }

      @Override
      public void kill(Duration grace) {}
    };
  }
}
