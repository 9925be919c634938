package io.etcron.lock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A future that only the library completes: callers may wait on it and chain on it, but completing
 * or cancelling it throws. Handing out the same future (instead of a fresh {@code copy()} per call)
 * means that asking for it again and again costs nothing. Thread-safe.
 */
final class Signal<T> extends CompletableFuture<T> {

  /** Completes the signal; later calls do nothing. */
  void fire(T value) {
    super.complete(value);
  }

  @Override
  public boolean complete(T value) {
    throw readOnly();
  }

  @Override
  public boolean completeExceptionally(Throwable ex) {
    throw readOnly();
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    throw readOnly();
  }

  @Override
  public void obtrudeValue(T value) {
    throw readOnly();
  }

  @Override
  public void obtrudeException(Throwable ex) {
    throw readOnly();
  }

  @Override
  public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
    throw readOnly();
  }

  @Override
  public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier) {
    throw readOnly();
  }

  /** A new future that fails on timeout; this signal is left as it is. */
  @Override
  public CompletableFuture<T> orTimeout(long timeout, TimeUnit unit) {
    return copy().orTimeout(timeout, unit);
  }

  /** A new future completed with {@code value} on timeout; this signal is left as it is. */
  @Override
  public CompletableFuture<T> completeOnTimeout(T value, long timeout, TimeUnit unit) {
    return copy().completeOnTimeout(value, timeout, unit);
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException(
        "this future is completed by the lock library only; chain on it or use copy()");
  }
}
