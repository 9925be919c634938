package io.etcron.lock;

import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one lease alive with {@code keepAliveOnce} requests and tracks its local deadline.
 *
 * <p>The deadline is the monotonic time at which the last acknowledged keep-alive was <em>sent</em>
 * plus the TTL in its answer, minus a safety margin: etcd renewed the lease somewhere between
 * sending and answering, so only the send time is a safe lower bound. When the deadline passes
 * without renewal the keeper reports the loss once, on its own thread, and stops.
 *
 * <p>Runs on one named daemon thread. Thread-safe.
 */
final class LeaseKeeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

  private final Lease lease;
  private final long leaseId;
  private final long marginNanos;
  private final Duration interval;
  private final Consumer<SessionEnd> onLoss;
  private final Consumer<Duration> onKeepAlive;
  private final ScheduledThreadPoolExecutor thread;
  private volatile long deadlineNanos;
  private volatile boolean stopped;
  private ScheduledFuture<?> deadlineCheck;
  private ScheduledFuture<?> renewals;

  LeaseKeeper(
      Lease lease,
      long leaseId,
      Duration margin,
      Duration interval,
      long firstDeadlineNanos,
      Consumer<SessionEnd> onLoss,
      Consumer<Duration> onKeepAlive) {
    this.lease = lease;
    this.leaseId = leaseId;
    this.marginNanos = margin.toNanos();
    this.interval = interval;
    this.onLoss = onLoss;
    this.onKeepAlive = onKeepAlive;
    this.deadlineNanos = firstDeadlineNanos;
    this.thread =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "etcron-lease-" + Etcd.hex(leaseId));
              t.setDaemon(true);
              return t;
            });
    thread.setRemoveOnCancelPolicy(true);
  }

  void start() {
    thread.execute(
        () -> {
          scheduleDeadlineCheck();
          renewals =
              thread.scheduleWithFixedDelay(
                  this::renew, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
        });
  }

  /** Whether the local deadline has not passed yet. */
  boolean withinDeadline() {
    return !stopped && System.nanoTime() - deadlineNanos < 0;
  }

  /** Time left before the local deadline (negative once passed). */
  Duration remaining() {
    return Duration.ofNanos(deadlineNanos - System.nanoTime());
  }

  private void renew() {
    if (stopped) {
      return;
    }
    long sentNanos = System.nanoTime();
    lease
        .keepAliveOnce(leaseId)
        .orTimeout(interval.toMillis() * 2, TimeUnit.MILLISECONDS)
        .whenCompleteAsync((response, error) -> answered(sentNanos, response, error), thread);
  }

  private void answered(long sentNanos, LeaseKeepAliveResponse response, Throwable error) {
    if (stopped) {
      return;
    }
    if (error == null) {
      onKeepAlive.accept(Duration.ofNanos(System.nanoTime() - sentNanos));
      long deadline = sentNanos + TimeUnit.SECONDS.toNanos(response.getTTL()) - marginNanos;
      if (deadline - deadlineNanos > 0) {
        deadlineNanos = deadline;
        scheduleDeadlineCheck();
      }
      return;
    }
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String message = String.valueOf(cause.getMessage());
    if (message.contains("lease not found")) {
      lose(
          new SessionEnd(
              SessionEnd.Reason.REVOKED,
              "etcd says lease " + Etcd.hex(leaseId) + " does not exist any more"));
    } else {
      log.debug("keep-alive of lease {} failed: {}", Etcd.hex(leaseId), message);
    }
  }

  private void scheduleDeadlineCheck() {
    if (deadlineCheck != null) {
      deadlineCheck.cancel(false);
    }
    long delay = Math.max(0, deadlineNanos - System.nanoTime());
    deadlineCheck = thread.schedule(this::checkDeadline, delay, TimeUnit.NANOSECONDS);
  }

  private void checkDeadline() {
    if (!stopped && System.nanoTime() - deadlineNanos >= 0) {
      lose(
          new SessionEnd(
              SessionEnd.Reason.EXPIRED,
              "no keep-alive of lease "
                  + Etcd.hex(leaseId)
                  + " was acknowledged in time;"
                  + " etcd may expire it at any moment"));
    }
  }

  private void lose(SessionEnd end) {
    if (stopped) {
      return;
    }
    stopped = true;
    cancelTasks();
    try {
      onLoss.accept(end);
    } catch (Throwable t) {
      log.error("session loss listener of lease {} failed", Etcd.hex(leaseId), t);
    } finally {
      thread.shutdown();
    }
  }

  private void cancelTasks() {
    if (renewals != null) {
      renewals.cancel(false);
    }
    if (deadlineCheck != null) {
      deadlineCheck.cancel(false);
    }
  }

  /** Stops renewing; does not revoke the lease. */
  @Override
  public void close() {
    stopped = true;
    thread.shutdownNow();
  }
}
