package io.etcron.schedule;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Fires once, at {@code at}. Ignores the time zone.
 *
 * @param expression as written
 * @param at the instant
 */
public record AtSchedule(String expression, Instant at) implements Schedule {

  static AtSchedule parse(String expression, String instant) {
    try {
      return new AtSchedule(expression, OffsetDateTime.parse(instant).toInstant());
    } catch (DateTimeParseException e) {
      throw new InvalidScheduleException(
          "\""
              + expression
              + "\": \""
              + instant
              + "\" is not an ISO-8601 instant like 2026-12-01T09:00:00Z");
    }
  }

  @Override
  public Optional<Instant> next(Instant after, ZoneId zone) {
    return at.isAfter(after) ? Optional.of(at) : Optional.empty();
  }

  @Override
  public Optional<Instant> previous(Instant before, ZoneId zone) {
    return at.isBefore(before) ? Optional.of(at) : Optional.empty();
  }

  @Override
  public String describe() {
    return "once at " + at;
  }

  @Override
  public Kind kind() {
    return Kind.AT;
  }
}
