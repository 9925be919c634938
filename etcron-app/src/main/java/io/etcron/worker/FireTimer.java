package io.etcron.worker;

import io.etcron.concurrent.Loop;
import java.time.Duration;

/**
 * The thread on top of the {@link Scheduler}: sleeps until the earliest entry is due (at most a
 * second, or until the queue changes), then has everything due served. The scheduler itself has no
 * thread, so tests drive it with {@link Scheduler#tick()}.
 */
final class FireTimer implements AutoCloseable {
  private final Scheduler scheduler;
  private final Loop loop;
  private volatile boolean running = true;

  FireTimer(Scheduler scheduler) {
    this.scheduler = scheduler;
    this.loop = new Loop("etcron-scheduler", this::pass, () -> {}, Loop.QUICK);
  }

  FireTimer start() {
    loop.start();
    return this;
  }

  private boolean pass() throws InterruptedException {
    scheduler.serveDueOrWait();
    return running;
  }

  @Override
  public void close() {
    running = false;
    loop.interruptAndStop(Duration.ofSeconds(5));
  }
}
