package io.etcron.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Fires every {@code period}, at the instants k·period since the Unix epoch, so that every node
 * computes the same instants without shared state. Ignores the time zone.
 *
 * @param expression as written
 * @param period between 1 s and 366 days
 */
public record EverySchedule(String expression, Duration period) implements Schedule {
  static final Duration MIN = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofDays(366);

  static EverySchedule parse(String expression, String duration) {
    if (duration.isEmpty()) {
      throw new InvalidScheduleException(
          "\"" + expression + "\" needs a duration, e.g. @every 30s or @every 1h30m");
    }
    Duration period;
    try {
      period = Durations.parse(duration);
    } catch (IllegalArgumentException e) {
      throw new InvalidScheduleException("\"" + expression + "\": " + e.getMessage());
    }
    if (period.getNano() % 1_000_000 != 0) {
      throw new InvalidScheduleException(
          "\""
              + expression
              + "\": the period must be a whole number of milliseconds, was "
              + period);
    }
    if (period.compareTo(MIN) < 0 || period.compareTo(MAX) > 0) {
      throw new InvalidScheduleException(
          "\""
              + expression
              + "\": the period must be between 1s and 366d, was "
              + Durations.format(period));
    }
    return new EverySchedule(expression, period);
  }

  @Override
  public Optional<Instant> next(Instant after, ZoneId zone) {
    long p = period.toMillis();
    long t = after.toEpochMilli();
    return Optional.of(Instant.ofEpochMilli(Math.floorDiv(t, p) * p + p));
  }

  @Override
  public Optional<Instant> previous(Instant before, ZoneId zone) {
    long p = period.toMillis();
    // The last whole millisecond strictly before `before`, which may carry nanoseconds.
    long t = before.toEpochMilli() - (before.getNano() % 1_000_000 == 0 ? 1 : 0);
    return Optional.of(Instant.ofEpochMilli(Math.floorDiv(t, p) * p));
  }

  @Override
  public String describe() {
    return "every " + Durations.format(period);
  }

  @Override
  public Kind kind() {
    return Kind.EVERY;
  }
}
