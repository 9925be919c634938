package io.etcron.store;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an etcd request until it is answered: each try is bounded by the request timeout, and a
 * failed one is sent again after {@link #PAUSE} while it is worth it (the lease it needs is alive,
 * the process is not closing). Only for requests that are safe to repeat: a guarded transaction or
 * a delete. Thread-safe; never blocks.
 */
public final class EtcdRetry {
  private static final Logger log = LoggerFactory.getLogger(EtcdRetry.class);

  /** The pause before a failed request is sent again. */
  public static final Duration PAUSE = Duration.ofMillis(500);

  private final Duration timeout;
  private final ScheduledExecutorService timers;

  /**
   * @param timeout how long one try waits for etcd's answer
   * @param timers where the next try waits; null for no retry (one try)
   */
  public EtcdRetry(Duration timeout, ScheduledExecutorService timers) {
    this.timeout = timeout;
    this.timers = timers;
  }

  /**
   * Sends {@code request} ({@code what} names it in the log) until it is answered or {@code
   * worthRetrying} says no more; completes with the answer, or with the last failure.
   */
  public <T> CompletableFuture<T> send(
      String what, Supplier<CompletableFuture<T>> request, BooleanSupplier worthRetrying) {
    CompletableFuture<T> done = new CompletableFuture<>();
    attempt(what, request, worthRetrying, done);
    return done;
  }

  private <T> void attempt(
      String what,
      Supplier<CompletableFuture<T>> request,
      BooleanSupplier worthRetrying,
      CompletableFuture<T> done) {
    CompletableFuture<T> sent;
    try {
      sent = request.get();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (r, e) -> {
              if (e == null) {
                done.complete(r);
                return;
              }
              if (timers == null || !worthRetrying.getAsBoolean()) {
                done.completeExceptionally(e);
                return;
              }
              log.debug("{} failed, trying again: {}", what, e.toString());
              try {
                timers.schedule(
                    () -> attempt(what, request, worthRetrying, done),
                    PAUSE.toMillis(),
                    TimeUnit.MILLISECONDS);
              } catch (RejectedExecutionException closing) {
                done.completeExceptionally(e);
              }
            });
  }
}
