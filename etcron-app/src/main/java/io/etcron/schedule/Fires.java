package io.etcron.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Fire-time arithmetic over a schedule in a zone. Every loop is bounded. Stateless. */
public final class Fires {
  /** Bound on fires counted in one call: a per-second schedule over 11 days. */
  public static final int MAX_STEPS = 1_000_000;

  /** Most fire times a preview returns. */
  public static final int MAX_PREVIEW = 100;

  private Fires() {}

  /** The next {@code n} fires after {@code after} (n at most {@link #MAX_PREVIEW}). */
  /** Fires looked at at most by {@link #nextN(Schedule, ZoneId, Instant, int, Predicate, List)}. */
  public static final int MAX_SCAN = 10_000;

  /**
   * The next {@code n} fires that {@code runs} accepts (at most {@link #MAX_PREVIEW}), looking at
   * no more than {@link #MAX_SCAN} fires; the refused ones before the last kept go to {@code
   * refused}, at most {@link #MAX_PREVIEW} of them.
   */
  public static List<Instant> nextN(
      Schedule s,
      ZoneId zone,
      Instant after,
      int n,
      Predicate<Instant> runs,
      List<Instant> refused) {
    List<Instant> fires = new ArrayList<>();
    List<Instant> seen = new ArrayList<>();
    Instant t = after;
    for (int scanned = 0;
        scanned < MAX_SCAN && fires.size() < Math.min(n, MAX_PREVIEW);
        scanned++) {
      Optional<Instant> next = s.next(t, zone);
      if (next.isEmpty()) {
        break;
      }
      if (runs.test(next.get())) {
        fires.add(next.get());
        refused.addAll(seen);
        seen.clear();
      } else if (seen.size() + refused.size() < MAX_PREVIEW) {
        seen.add(next.get());
      }
      t = next.get();
    }
    if (fires.size() < Math.min(n, MAX_PREVIEW)) {
      refused.addAll(seen); // no kept fire after them within the scan
    }
    return fires;
  }

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

  /**
   * The latest fire in ({@code from}, {@code to}], if any, however far apart the two are: found
   * backwards from {@code to}.
   */
  public static Optional<Instant> latest(Schedule s, ZoneId zone, Instant from, Instant to) {
    // Fire times are whole milliseconds: the fire at {@code to} itself lies before to + 1 ms.
    return s.previous(to.plusMillis(1), zone).filter(fire -> fire.isAfter(from));
  }

  /** The newest {@code limit} fires in ({@code from}, {@code to}), oldest first. */
  public static List<Instant> between(
      Schedule s, ZoneId zone, Instant from, Instant to, int limit) {
    ArrayDeque<Instant> fires = new ArrayDeque<>();
    Instant t = to;
    while (fires.size() < limit) {
      Optional<Instant> previous = s.previous(t, zone);
      if (previous.isEmpty() || !previous.get().isAfter(from)) {
        break;
      }
      fires.addFirst(previous.get());
      t = previous.get();
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
