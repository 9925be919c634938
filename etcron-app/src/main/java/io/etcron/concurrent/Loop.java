package io.etcron.concurrent;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background loop: one named daemon thread running a {@link Pass} again and again until the pass
 * says it is done or the thread is interrupted. A pass that fails is logged and counted (and its
 * owner told, for its metrics), and the loop goes on after a pause from its {@link Backoff}, so one
 * bad pass never ends the loop and a failure that repeats does not spin. {@link #stop} wakes the
 * loop and waits for it within a bound. Thread-safe.
 *
 * <p>A pass waits by itself (for work, its next timer, a signal) and returns; the loop's owner
 * keeps its own "closing" state, which the pass reads to return {@code false}.
 */
public final class Loop {
  private static final Logger log = LoggerFactory.getLogger(Loop.class);

  /** One pass of a loop's work. */
  @FunctionalInterface
  public interface Pass {
    /**
     * Does one pass.
     *
     * @return whether the loop goes on
     * @throws InterruptedException when the thread is interrupted: the loop ends
     * @throws Exception any other failure: counted and logged, and the loop goes on after a pause
     */
    boolean run() throws Exception;
  }

  /**
   * For loops whose failures are bugs: a short pause, so that a failure that repeats cannot spin.
   */
  public static final Backoff QUICK = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1));

  private final String name;
  private final Pass pass;
  private final Runnable onFailure;
  private final Backoff backoff;
  private final Thread thread;
  private final AtomicLong failures = new AtomicLong();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition woken = lock.newCondition();
  private volatile boolean stopping;

  /**
   * @param name the thread's name
   * @param onFailure told of each failed pass (a metric), after the loop has logged it
   * @param backoff the pause after consecutive failed passes
   */
  public Loop(String name, Pass pass, Runnable onFailure, Backoff backoff) {
    this.name = name;
    this.pass = pass;
    this.onFailure = onFailure;
    this.backoff = backoff;
    this.thread = new Thread(this::runPasses, name);
    this.thread.setDaemon(true);
  }

  /** Starts the thread. */
  public Loop start() {
    thread.start();
    return this;
  }

  private void runPasses() {
    int failed = 0;
    while (true) {
      try {
        if (!pass.run()) {
          return;
        }
        failed = 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable t) {
        failures.incrementAndGet();
        failed++;
        Duration pause = backoff.after(failed);
        log.error("{} failed; going on in {} ms", name, pause.toMillis(), t);
        try {
          onFailure.run();
        } catch (RuntimeException e) {
          log.warn("{}: counting a failure failed: {}", name, e.toString());
        }
        if (!pause(pause)) {
          return;
        }
      }
    }
  }

  /** Pauses after a failure; false when the loop was stopped or interrupted meanwhile. */
  private boolean pause(Duration pause) {
    long left = pause.toNanos();
    lock.lock();
    try {
      while (left > 0 && !stopping) {
        left = woken.awaitNanos(left);
      }
      return !stopping;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the loop: {@code wake} makes a waiting pass return (and the pass then returns {@code
   * false}, as its owner is closing); waits up to {@code bound} for the thread to end, then
   * interrupts it.
   *
   * @return whether the loop ended within {@code bound}
   */
  public boolean stop(Runnable wake, Duration bound) {
    stopping = true;
    lock.lock();
    try {
      woken.signalAll();
    } finally {
      lock.unlock();
    }
    wake.run();
    try {
      thread.join(Math.max(1, bound.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
      return false;
    }
    return true;
  }

  /** Stops the loop by interrupting its thread, waiting up to {@code bound} for it to end. */
  public boolean interruptAndStop(Duration bound) {
    return stop(thread::interrupt, bound);
  }

  /** Whether the loop's thread is still running. */
  public boolean isAlive() {
    return thread.isAlive();
  }

  /** Failed passes so far. */
  public long failures() {
    return failures.get();
  }

  @Override
  public String toString() {
    return "Loop{" + name + (thread.isAlive() ? ", running" : "") + "}";
  }
}
