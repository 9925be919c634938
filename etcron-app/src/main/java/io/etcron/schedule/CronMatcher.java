package io.etcron.schedule;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The wall-clock times a cron expression matches, with no time zone: whole seconds whose fields all
 * match. Immutable and thread-safe; every search is bounded (400 years).
 */
final class CronMatcher {
  private final long seconds;
  private final long minutes;
  private final long hours;
  private final CronDays days;

  /**
   * @param fields six upper-case fields, {@code ?} already read as {@code *}
   * @param unixDays OR the two day fields when both are restricted
   * @throws InvalidScheduleException naming the field and value
   */
  CronMatcher(String expression, String[] fields, boolean unixDays) {
    this.seconds = bits(expression, CronField.SECOND, fields[0]);
    this.minutes = bits(expression, CronField.MINUTE, fields[1]);
    this.hours = bits(expression, CronField.HOUR, fields[2]);
    this.days = CronDays.of(expression, fields[3], fields[4], fields[5], unixDays);
  }

  private static long bits(String expression, CronField field, String value) {
    long bits = 0;
    for (String element : value.split(",", -1)) {
      bits |= field.bits(expression, element);
    }
    return bits;
  }

  /** The first matching time strictly after {@code after}. */
  Optional<LocalDateTime> next(LocalDateTime after) {
    LocalDateTime from = after.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    LocalDate day = from.toLocalDate();
    int second = from.toLocalTime().toSecondOfDay();
    while (true) {
      Optional<LocalDate> match = days.nextOrSame(day);
      if (match.isEmpty()) {
        return Optional.empty();
      }
      int time = nextTime(match.get().equals(day) ? second : 0);
      if (time >= 0) {
        return Optional.of(match.get().atTime(LocalTime.ofSecondOfDay(time)));
      }
      // No time left on that day: the search goes on from the next day, so it ends.
      day = match.get().plusDays(1);
      second = 0;
    }
  }

  /** The last matching time strictly before {@code before}. */
  Optional<LocalDateTime> previous(LocalDateTime before) {
    LocalDateTime truncated = before.truncatedTo(ChronoUnit.SECONDS);
    LocalDateTime from = truncated.equals(before) ? truncated.minusSeconds(1) : truncated;
    LocalDate day = from.toLocalDate();
    int second = from.toLocalTime().toSecondOfDay();
    while (true) {
      Optional<LocalDate> match = days.previousOrSame(day);
      if (match.isEmpty()) {
        return Optional.empty();
      }
      int time = previousTime(match.get().equals(day) ? second : 86_399);
      if (time >= 0) {
        return Optional.of(match.get().atTime(LocalTime.ofSecondOfDay(time)));
      }
      day = match.get().minusDays(1);
      second = 86_399;
    }
  }

  /** The first matching second of a day at or after {@code from}, or -1. */
  private int nextTime(int from) {
    int h0 = from / 3600;
    int m0 = from / 60 % 60;
    for (int h = up(hours, h0); h >= 0; h = up(hours, h + 1)) {
      for (int m = up(minutes, h == h0 ? m0 : 0); m >= 0; m = up(minutes, m + 1)) {
        int s = up(seconds, h == h0 && m == m0 ? from % 60 : 0);
        if (s >= 0) {
          return h * 3600 + m * 60 + s;
        }
      }
    }
    return -1;
  }

  /** The last matching second of a day at or before {@code from}, or -1. */
  private int previousTime(int from) {
    int h0 = from / 3600;
    int m0 = from / 60 % 60;
    for (int h = down(hours, h0); h >= 0; h = down(hours, h - 1)) {
      for (int m = down(minutes, h == h0 ? m0 : 59); m >= 0; m = down(minutes, m - 1)) {
        int s = down(seconds, h == h0 && m == m0 ? from % 60 : 59);
        if (s >= 0) {
          return h * 3600 + m * 60 + s;
        }
      }
    }
    return -1;
  }

  /** The lowest set bit at or above {@code from}, or -1. */
  private static int up(long bits, int from) {
    long above = from > 63 ? 0 : bits & (-1L << from);
    return above == 0 ? -1 : Long.numberOfTrailingZeros(above);
  }

  /** The highest set bit at or below {@code from}, or -1. */
  private static int down(long bits, int from) {
    long below = from < 0 ? 0 : bits & (-1L >>> (63 - from));
    return below == 0 ? -1 : 63 - Long.numberOfLeadingZeros(below);
  }
}
