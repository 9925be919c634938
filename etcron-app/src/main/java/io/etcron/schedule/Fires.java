package io.etcron.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Fire-time arithmetic over a schedule in a zone. Every loop is bounded. Stateless. */
public final class Fires {
  /** Bound on fires walked in one call: a per-second schedule over 11 days. */
  public static final int MAX_STEPS = 1_000_000;

  /** Most fire times a preview returns. */
  public static final int MAX_PREVIEW = 100;

  private Fires() {}

  /** The next {@code n} fires after {@code after} (n at most {@link #MAX_PREVIEW}). */
  public static List<Instant> nextN(Schedule s, ZoneId zone, Instant after, int n) {
    List<Instant> fires = new ArrayList<>();
    Instant t = after;
    while (fires.size() < Math.min(n, MAX_PREVIEW)) {
      Optional<Instant> next = s.next(t, zone);
      if (next.isEmpty()) {
        break;
      }
      fires.add(next.get());
      t = next.get();
    }
    return fires;
  }

  /** The latest fire in ({@code from}, {@code to}], if any. */
  public static Optional<Instant> latest(Schedule s, ZoneId zone, Instant from, Instant to) {
    Optional<Instant> latest = Optional.empty();
    Instant t = from;
    for (int i = 0; i < MAX_STEPS; i++) {
      Optional<Instant> next = s.next(t, zone);
      if (next.isEmpty() || next.get().isAfter(to)) {
        return latest;
      }
      latest = next;
      t = next.get();
    }
    return latest;
  }

  /** The newest {@code limit} fires in ({@code from}, {@code to}), oldest first. */
  public static List<Instant> between(
      Schedule s, ZoneId zone, Instant from, Instant to, int limit) {
    java.util.ArrayDeque<Instant> fires = new java.util.ArrayDeque<>();
    Instant t = from;
    for (int i = 0; i < MAX_STEPS; i++) {
      Optional<Instant> next = s.next(t, zone);
      if (next.isEmpty() || !next.get().isBefore(to)) {
        break;
      }
      fires.addLast(next.get());
      if (fires.size() > limit) {
        fires.removeFirst();
      }
      t = next.get();
    }
    return new ArrayList<>(fires);
  }

  /** How many fires lie in ({@code from}, {@code to}), counted up to {@link #MAX_STEPS}. */
  public static long count(Schedule s, ZoneId zone, Instant from, Instant to) {
    long n = 0;
    Instant t = from;
    while (n < MAX_STEPS) {
      Optional<Instant> next = s.next(t, zone);
      if (next.isEmpty() || !next.get().isBefore(to)) {
        break;
      }
      n++;
      t = next.get();
    }
    return n;
  }
}
