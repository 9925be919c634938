package io.etcron.schedule;

import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The days a cron fires on: its day-of-month, month and day-of-week fields. Immutable and
 * thread-safe.
 *
 * <p>Which days of a month match depends only on the month, its length and the weekday of its first
 * day, so they are computed once per (month, first weekday, leap year) when parsed; a search then
 * costs one table look-up per month and covers 400 years, after which the Gregorian calendar
 * repeats (a schedule with no day in 400 years never fires).
 */
final class CronDays {
  private static final int YEARS = 400;
  private static final Pattern LAST = Pattern.compile("L(?:-([0-9]{1,2}))?");
  private static final Pattern NEAREST = Pattern.compile("([0-9]{1,2})W");
  private static final Pattern WEEKDAY_SPECIAL = Pattern.compile("([0-9A-Z]+)(L|#([0-9]+))");

  /** Whether day {@code day} of a month of {@code length} days starting on {@code first} fits. */
  private interface Rule {
    boolean test(int day, int length, int first);
  }

  /** Day sets already built, by their fields: most schedules share a few. */
  private static final Interner<CronDays> SHARED = new Interner<>(4_096);

  /**
   * Day masks (bit d = day d), one per month (1-12), weekday of its 1st (1-7) and leap year (0/1):
   * at {@link #index}.
   */
  private final long[] masks = new long[12 * 7 * 2];

  /**
   * The days of these fields, shared with every schedule that has the same ones.
   *
   * @param expression the whole expression, for error messages
   * @param unixDays OR the day fields when both are restricted, as Unix cron does; otherwise AND
   * @throws InvalidScheduleException naming the field and value
   */
  static CronDays of(String expression, String dom, String month, String dow, boolean unixDays) {
    return SHARED.get(
        dom + ' ' + month + ' ' + dow + (unixDays ? " unix" : ""),
        k -> new CronDays(expression, dom, month, dow, unixDays));
  }

  private static int index(int month, int first, int leap) {
    return ((month - 1) * 7 + first - 1) * 2 + leap;
  }

  private CronDays(String expression, String dom, String month, String dow, boolean unixDays) {
    Rule dayOfMonth = rule(expression, dom, true);
    Rule dayOfWeek = rule(expression, dow, false);
    long months = 0;
    for (String element : month.split(",", -1)) {
      months |= CronField.MONTH.bits(expression, element);
    }
    // Vixie cron: a day field starting with * leaves the other one alone in charge.
    boolean either = unixDays && !dom.startsWith("*") && !dow.startsWith("*");
    // Day rules depend on the month's length and first weekday only: 4 x 7 masks.
    long[][] byLength = new long[32][8];
    for (int length = 28; length <= 31; length++) {
      for (int first = 1; first <= 7; first++) {
        for (int d = 1; d <= length; d++) {
          boolean a = dayOfMonth.test(d, length, first);
          boolean b = dayOfWeek.test(d, length, first);
          if (either ? a || b : a && b) {
            byLength[length][first] |= 1L << d;
          }
        }
      }
    }
    for (int m = 1; m <= 12; m++) {
      for (int first = 1; first <= 7 && (months & (1L << m)) != 0; first++) {
        for (int leap = 0; leap < 2; leap++) {
          masks[index(m, first, leap)] = byLength[Month.of(m).length(leap == 1)][first];
        }
      }
    }
  }

  /** The first matching day on or after {@code from}, within 400 years. */
  Optional<LocalDate> nextOrSame(LocalDate from) {
    int y = from.getYear();
    int m = from.getMonthValue();
    long above = -1L << from.getDayOfMonth();
    for (int i = 0; i < YEARS * 12; i++) {
      long days = mask(y, m) & above;
      if (days != 0) {
        return Optional.of(LocalDate.of(y, m, Long.numberOfTrailingZeros(days)));
      }
      above = -1L;
      if (++m > 12) {
        m = 1;
        y++;
      }
    }
    return Optional.empty();
  }

  /** The last matching day on or before {@code from}, within 400 years. */
  Optional<LocalDate> previousOrSame(LocalDate from) {
    int y = from.getYear();
    int m = from.getMonthValue();
    long below = -1L >>> (63 - from.getDayOfMonth());
    for (int i = 0; i < YEARS * 12; i++) {
      long days = mask(y, m) & below;
      if (days != 0) {
        return Optional.of(LocalDate.of(y, m, 63 - Long.numberOfLeadingZeros(days)));
      }
      below = -1L;
      if (--m < 1) {
        m = 12;
        y--;
      }
    }
    return Optional.empty();
  }

  private long mask(int year, int month) {
    int first = LocalDate.of(year, month, 1).getDayOfWeek().getValue();
    return masks[index(month, first, Year.isLeap(year) ? 1 : 0)];
  }

  /** A day field: a list whose elements are numeric or one of the L, W and # forms. */
  private static Rule rule(String expression, String field, boolean ofMonth) {
    Rule rule = (d, length, first) -> false;
    long bits = 0;
    for (String element : field.split(",", -1)) {
      Rule special = ofMonth ? monthSpecial(expression, element) : weekSpecial(expression, element);
      if (special != null) {
        Rule before = rule;
        rule =
            (d, length, first) -> before.test(d, length, first) || special.test(d, length, first);
      } else {
        bits |=
            (ofMonth ? CronField.DAY_OF_MONTH : CronField.DAY_OF_WEEK).bits(expression, element);
      }
    }
    long set = bits;
    Rule specials = rule;
    if (ofMonth) {
      return (d, length, first) -> (set & (1L << d)) != 0 || specials.test(d, length, first);
    }
    return (d, length, first) ->
        (set & (1L << weekday(d, first))) != 0 || specials.test(d, length, first);
  }

  /** {@code L}, {@code L-n}, {@code LW} or {@code nW}; null for a numeric element. */
  private static Rule monthSpecial(String expression, String element) {
    if (!element.contains("L") && !element.contains("W")) {
      return null;
    }
    if (element.equals("LW")) {
      return (d, length, first) -> d == nearestWeekday(length, length, first);
    }
    Matcher last = LAST.matcher(element);
    if (last.matches()) {
      int offset = last.group(1) == null ? 0 : Integer.parseInt(last.group(1));
      if (offset > 30) {
        throw new InvalidScheduleException(
            "\"" + expression + "\" day-of-month offset " + offset + " is out of range 0-30");
      }
      return (d, length, first) -> d == length - offset;
    }
    Matcher nearest = NEAREST.matcher(element);
    if (nearest.matches()) {
      int day = Integer.parseInt(nearest.group(1));
      if (day < 1 || day > 31) {
        throw new InvalidScheduleException(
            "\"" + expression + "\" day-of-month " + day + "W is out of range 1-31");
      }
      return (d, length, first) -> day <= length && d == nearestWeekday(day, length, first);
    }
    throw new InvalidScheduleException(
        "\""
            + expression
            + "\" day-of-month \""
            + element
            + "\": L and W are written L, L-<days>, LW or <day>W");
  }

  /** {@code <day>L} or {@code <day>#<1-5>}; null for a numeric element. */
  private static Rule weekSpecial(String expression, String element) {
    if (!element.contains("L") && !element.contains("#")) {
      return null;
    }
    Matcher m = WEEKDAY_SPECIAL.matcher(element);
    if (!m.matches()) {
      throw new InvalidScheduleException(
          "\""
              + expression
              + "\" day-of-week \""
              + element
              + "\": L and # must follow one day: <day>L (the last in the month) or <day>#<1-5>");
    }
    int weekday = CronField.DAY_OF_WEEK.value(expression, m.group(1)) % 7;
    int day = weekday == 0 ? 7 : weekday;
    if (m.group(3) == null) {
      return (d, length, first) -> weekday(d, first) == day && d + 7 > length;
    }
    int nth = m.group(3).length() > 1 ? 0 : Integer.parseInt(m.group(3));
    if (nth < 1 || nth > 5) {
      throw new InvalidScheduleException(
          "\"" + expression + "\" day-of-week #" + m.group(3) + " is out of range 1-5");
    }
    return (d, length, first) -> weekday(d, first) == day && (d - 1) / 7 + 1 == nth;
  }

  /** The weekday (1 Monday - 7 Sunday) of day {@code d} in a month starting on {@code first}. */
  private static int weekday(int d, int first) {
    return (first - 1 + d - 1) % 7 + 1;
  }

  /**
   * The weekday nearest to {@code day}, never leaving the month (Quartz's rule): a Saturday moves
   * to the Friday before, or to Monday the 3rd for the 1st; a Sunday to the Monday after, or to the
   * Friday before for the month's last day.
   */
  private static int nearestWeekday(int day, int length, int first) {
    int weekday = weekday(day, first);
    if (weekday == 6) {
      return day == 1 ? 3 : day - 1;
    }
    if (weekday == 7) {
      return day == length ? day - 2 : day + 1;
    }
    return day;
  }
}
