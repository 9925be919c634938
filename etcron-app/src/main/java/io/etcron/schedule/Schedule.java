package io.etcron.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * When a job fires. Immutable and thread-safe.
 *
 * @see io.etcron.schedule the accepted syntax and the daylight saving time rules
 */
public sealed interface Schedule permits CronSchedule, EverySchedule, AtSchedule, NoSchedule {

  /** The kinds of schedule. */
  enum Kind {
    CRON,
    EVERY,
    AT,
    /** No schedule of its own ({@link NoSchedule}). */
    NONE
  }

  /** Macros and the cron they stand for. */
  Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 0 1 1 *",
          "@annually", "0 0 0 1 1 *",
          "@monthly", "0 0 0 1 * *",
          "@weekly", "0 0 0 * * 0",
          "@daily", "0 0 0 * * *",
          "@midnight", "0 0 0 * * *",
          "@hourly", "0 0 * * * *");

  /**
   * Parses an expression.
   *
   * @throws InvalidScheduleException naming what is wrong, e.g. {@code "0 61 * * * *": minute 61 is
   *     out of range 0-59}
   */
  static Schedule parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new InvalidScheduleException(
          "is empty; write a cron expression, @every <duration> or @at <instant>");
    }
    String e = expression.strip();
    String lower = e.toLowerCase(Locale.ROOT);
    if (lower.startsWith("@every")) {
      return EverySchedule.parse(e, e.substring("@every".length()).strip());
    }
    if (lower.startsWith("@at")) {
      return AtSchedule.parse(e, e.substring("@at".length()).strip());
    }
    if (lower.startsWith("@")) {
      String cron = MACROS.get(lower);
      if (cron == null) {
        throw new InvalidScheduleException(
            "\""
                + e
                + "\" is not a known macro; use @yearly, @monthly, @weekly, @daily, @hourly, @every or @at");
      }
      return CronSchedule.parse(e, cron);
    }
    return CronSchedule.parse(e, e);
  }

  /** The first fire strictly after {@code after}, in {@code zone}; empty when there is none. */
  Optional<Instant> next(Instant after, ZoneId zone);

  /**
   * The last fire strictly before {@code before}, in {@code zone}; empty when there is none. Exact
   * on both sides of every daylight saving change: it is the fire {@link #next} returns just before
   * {@code before}, so {@code previous(next(t))} is the fire at or before {@code t}'s last.
   */
  Optional<Instant> previous(Instant before, ZoneId zone);

  /** The expression as written. */
  String expression();

  /** The schedule in words, e.g. "every 5 seconds". */
  String describe();

  Kind kind();
}
