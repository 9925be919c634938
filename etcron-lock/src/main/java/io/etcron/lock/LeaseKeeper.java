package io.etcron.lock;

import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one lease alive with {@code keepAliveOnce} requests and tracks its local deadline.
 *
 * <p>The deadline is the monotonic time at which the last acknowledged keep-alive was <em>sent</em>
 * plus the TTL in its answer, minus a safety margin: etcd renewed the lease somewhere between
 * sending and answering, so only the send time is a safe lower bound. When less than the at-risk
 * threshold remains the keeper says so (and says so again when a renewal brings it back above);
 * when the deadline passes without renewal it reports the loss once and stops.
 *
 * <p>Every event is reported on the keeper's one named daemon thread, in order, so a late answer
 * can never revive a lease already declared lost. Thread-safe.
 */
final class LeaseKeeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

  /** What the keeper reports, always on its own thread. Implementations must not block long. */
  interface Events {
    /** A keep-alive was acknowledged after {@code roundTrip}. */
    void keptAlive(Duration roundTrip);

    /** Less than the at-risk threshold remains before the deadline. */
    void atRisk(Duration remaining);

    /** A renewal brought the time left back above the at-risk threshold. */
    void recovered();

    /** The lease is lost (deadline passed, or etcd says it is gone). Reported once, last. */
    void lost(SessionEnd end);
  }

  private final Lease lease;
  private final long leaseId;
  private final long marginNanos;
  private final long riskNanos;
  private final Duration interval;
  private final Events events;
  private final ScheduledThreadPoolExecutor thread;
  private volatile long deadlineNanos;
  private volatile boolean stopped;
  private boolean atRisk;
  private ScheduledFuture<?> deadlineCheck;
  private ScheduledFuture<?> renewals;

  LeaseKeeper(
      Lease lease,
      long leaseId,
      Duration margin,
      Duration riskThreshold,
      Duration interval,
      long firstDeadlineNanos,
      Events events) {
    this.lease = lease;
    this.leaseId = leaseId;
    this.marginNanos = margin.toNanos();
    this.riskNanos = riskThreshold.toNanos();
    this.interval = interval;
    this.events = events;
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

  /** The local deadline, as a {@link System#nanoTime()} value. */
  long deadlineNanos() {
    return deadlineNanos;
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
      events.keptAlive(Duration.ofNanos(System.nanoTime() - sentNanos));
      long deadline = sentNanos + TimeUnit.SECONDS.toNanos(response.getTTL()) - marginNanos;
      if (deadline - deadlineNanos > 0) {
        deadlineNanos = deadline;
        if (atRisk && deadline - System.nanoTime() > riskNanos) {
          atRisk = false;
          events.recovered();
        }
        scheduleDeadlineCheck();
      }
      return;
    }
    if (Etcd.leaseNotFound(error)) {
      lose(
          new SessionEnd(
              SessionEnd.Reason.REVOKED,
              "etcd says lease " + Etcd.hex(leaseId) + " does not exist any more"));
    } else {
      log.debug("keep-alive of lease {} failed: {}", Etcd.hex(leaseId), error.toString());
    }
  }

  /** Checks again at the next threshold: the at-risk point, or the deadline once at risk. */
  private void scheduleDeadlineCheck() {
    if (deadlineCheck != null) {
      deadlineCheck.cancel(false);
    }
    long at = atRisk ? deadlineNanos : deadlineNanos - riskNanos;
    long delay = Math.max(0, at - System.nanoTime());
    deadlineCheck = thread.schedule(this::checkDeadline, delay, TimeUnit.NANOSECONDS);
  }

  private void checkDeadline() {
    if (stopped) {
      return;
    }
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      lose(
          new SessionEnd(
              SessionEnd.Reason.EXPIRED,
              "no keep-alive of lease "
                  + Etcd.hex(leaseId)
                  + " was acknowledged in time;"
                  + " etcd may expire it at any moment"));
      return;
    }
    if (!atRisk && left <= riskNanos) {
      atRisk = true;
      events.atRisk(Duration.ofNanos(left));
    }
    scheduleDeadlineCheck();
  }

  private void lose(SessionEnd end) {
    if (stopped) {
      return;
    }
    stopped = true;
    cancelTasks();
    try {
      events.lost(end);
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

  /** Stops renewing and reports nothing more; does not revoke the lease. */
  @Override
  public void close() {
    stopped = true;
    thread.shutdownNow();
  }
}
