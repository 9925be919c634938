package io.etcron.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link Clock} that stands still until a test sets or advances it. Thread-safe. */
public final class SettableClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private SettableClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /** A clock standing at {@code start}, in UTC. */
  public static SettableClock at(Instant start) {
    return new SettableClock(new AtomicReference<>(start), ZoneOffset.UTC);
  }

  /** Moves the clock to {@code instant} (backwards too). */
  public void set(Instant instant) {
    now.set(instant);
  }

  /** Moves the clock forward by {@code step} and returns the new time. */
  public Instant advance(Duration step) {
    return now.updateAndGet(t -> t.plus(step));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new SettableClock(now, zone);
  }
}
