package io.etcron.execute;

import io.etcron.concurrent.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs commands with {@code /bin/sh -c} under a {@link Watchdog}, in a process group of their own
 * ({@link ProcessTree}), stdout and stderr merged, output kept by an {@link OutputCapture} and
 * streamed to the request's listener. One reader thread per running command, and one thread, {@code
 * etcron-watchdog-feed}, that tells every command's watchdog how long its lease is still valid,
 * every {@link #FEED_EVERY}. A request naming an account runs as it if the executor's {@link
 * RunAsPolicy} allows it. Thread-safe.
 */
public final class ShellExecutor implements Executor, AutoCloseable {

  /** How often the watchdogs are fed: well inside the smallest safety margin of a lease. */
  public static final Duration FEED_EVERY = Duration.ofMillis(200);

  private final int outputLimit;
  private final RunAsPolicy runAs;
  private final Map<ProcessTree, Supplier<Duration>> fed = new ConcurrentHashMap<>();
  private final ScheduledExecutorService feeder =
      Executors.newSingleThreadScheduledExecutor(Threads.named("etcron-watchdog-feed"));
  private final ExecutorService readers =
      Executors.newCachedThreadPool(Threads.numbered("etcron-run-output-"));

  public ShellExecutor() {
    this(OutputCapture.DEFAULT_LIMIT, RunAsPolicy.ANY_BUT_ROOT);
  }

  /** An executor whose runs may name the accounts {@code runAs} allows. */
  public ShellExecutor(RunAsPolicy runAs) {
    this(OutputCapture.DEFAULT_LIMIT, runAs);
  }

  public ShellExecutor(int outputLimit) {
    this(outputLimit, RunAsPolicy.ANY_BUT_ROOT);
  }

  private ShellExecutor(int outputLimit, RunAsPolicy runAs) {
    this.outputLimit = outputLimit;
    this.runAs = runAs;
    feeder.scheduleWithFixedDelay(
        this::feedAll, FEED_EVERY.toMillis(), FEED_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void feedAll() {
    fed.forEach((tree, left) -> tree.feed(left.get()));
  }

  @Override
  public boolean outlivesWorker() {
    return true; // each command runs in a session of its own, under a watchdog
  }

  /**
   * {@inheritDoc}
   *
   * @throws RunRefusedException when the request names an account the policy does not allow
   */
  @Override
  public Execution start(ExecutionRequest request) {
    Confinement confinement = runAs.confine(request.runAs()).limited(request.limits());
    Optional<Duration> budget = request.leaseLeft().map(Supplier::get);
    if (budget.isPresent() && (budget.get().isNegative() || budget.get().isZero())) {
      throw new IllegalStateException("the lease guarding this run has ended: not starting it");
    }
    ProcessTree tree =
        ProcessTree.start(
            List.of("/bin/sh", "-c", request.command()),
            request.env(),
            request.workingDir(),
            budget,
            request.exitNote(),
            confinement,
            b -> b.redirectErrorStream(true));
    request.leaseLeft().ifPresent(left -> fed.put(tree, left));
    OutputCapture capture = new OutputCapture(outputLimit);
    CompletableFuture<ExecutionResult> done = new CompletableFuture<>();
    done.whenComplete((r, e) -> fed.remove(tree));
    readers.execute(() -> read(tree, capture, request.output(), done));
    return new Execution() {
      @Override
      public CompletableFuture<ExecutionResult> done() {
        return done;
      }

      @Override
      public void kill(Duration grace) {
        CompletableFuture.runAsync(() -> tree.kill(grace));
      }
    };
  }

  private static void read(
      ProcessTree tree,
      OutputCapture capture,
      OutputListener listener,
      CompletableFuture<ExecutionResult> done) {
    byte[] buffer = new byte[8192];
    try (InputStream in = tree.process().getInputStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        long offset = capture.append(buffer, n);
        listener.chunk(offset, buffer, n);
      }
    } catch (IOException e) {
      // the stream closes when the tree is killed: the exit code tells the rest
    }
    try {
      int exit = tree.waitFor();
      Optional<Integer> signal =
          exit > 128 && exit < 160 ? Optional.of(exit - 128) : Optional.empty();
      done.complete(new ExecutionResult(exit, signal, capture.tail(), capture.total()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done.completeExceptionally(e);
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
  }

  @Override
  public void close() {
    readers.shutdownNow();
    feeder.shutdownNow();
  }
}
