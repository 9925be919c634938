package io.etcron.notify;

import io.etcron.concurrent.Loop;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The elected master's notification loop, on the thread {@code etcron-notifier}: every {@link
 * NotifySettings#pollEvery()}, while {@code leader} says this master holds the sweeper election, it
 * turns noted run ends into deliveries, looks for late runs (at most once a second) and sends what
 * is due. Every step's state is in the run store, so a new leader picks up where a crashed one
 * stopped; a delivery in flight when a leader dies is sent again (at least once). {@link #close()}
 * stops it within one webhook or mail timeout.
 */
public final class Notifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);
  private static final Duration LATE_EVERY = Duration.ofSeconds(1);

  private final Enqueuer enqueuer;
  private final Dispatcher dispatcher;
  private final Sources sources;
  private final BooleanSupplier leader;
  private final Duration pollEvery;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Loop loop;
  private Instant nextLateScan = Instant.MIN;

  private Notifier(
      Sources sources, NotifySettings settings, String baseUrl, BooleanSupplier leader) {
    this.sources = sources;
    this.enqueuer = new Enqueuer(sources.outbox(), sources.jobs());
    this.dispatcher = new Dispatcher(sources, settings, baseUrl);
    this.leader = leader;
    this.pollEvery = settings.pollEvery();
    this.loop = new Loop("etcron-notifier", this::pollPass, () -> {}, Loop.QUICK);
  }

  /**
   * Starts the loop.
   *
   * @param ownUrl the master's URL, for links when the settings have no public URL
   * @param leader whether this master holds the election now
   */
  public static Notifier start(
      Sources sources, NotifySettings settings, String ownUrl, BooleanSupplier leader) {
    String base = settings.publicUrl().map(Object::toString).orElse(ownUrl);
    Notifier n = new Notifier(sources, settings, base, leader);
    n.loop.start();
    return n;
  }

  /** Waits one poll, then, when this master leads, enqueues and sends what is due. */
  private boolean pollPass() throws InterruptedException {
    if (closed.await(pollEvery.toMillis(), TimeUnit.MILLISECONDS)) {
      return false;
    }
    if (!leader.getAsBoolean()) {
      return true;
    }
    try {
      tick();
    } catch (InterruptedException e) {
      throw e;
    } catch (Throwable t) {
      // A mail server or a receiver that is down: expected, tried again at the next poll.
      log.warn("notifications: {} (trying again in {})", t.getMessage(), pollEvery, t);
    }
    return true;
  }

  /**
   * One round. Each step fails on its own: a job that cannot be read now does not hold up the
   * sending of what is already due.
   */
  private void tick() throws InterruptedException {
    Instant now = sources.clock().instant();
    guarded("enqueue run ends", () -> enqueuer.ends(now));
    if (!now.isBefore(nextLateScan)) {
      guarded("scan for late runs", () -> enqueuer.late(now));
      nextLateScan = now.plus(LATE_EVERY);
    }
    // Keep sending while whole pages are due, unless closed.
    while (dispatcher.sendDue() == Dispatcher.PAGE && closed.getCount() > 0) {
      guarded("enqueue run ends", () -> enqueuer.ends(sources.clock().instant()));
    }
  }

  private void guarded(String what, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      log.warn(
          "notifications: cannot {} now: {} (trying again in {})",
          what,
          e.getMessage(),
          pollEvery,
          e);
    }
  }

  @Override
  public void close() {
    closed.countDown();
    loop.interruptAndStop(WebhookSender.TIMEOUT.plusSeconds(5));
  }
}
