package io.etcron.schedule;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The six fields of a cron expression and how one list element of a field ({@code 5}, {@code 1-5},
 * {@code *}{@code /15}, {@code 10-50/10}, {@code MON-FRI}) becomes a bit set. Immutable.
 *
 * <p>As in Spring: {@code *} with a step covers the field's range, which for day-of-week is 1-7
 * (Monday-Sunday), so {@code *}{@code /2} is Monday, Wednesday, Friday, Sunday; {@code a/n} runs
 * from {@code a} to the end of the range; a step may exceed the range ({@code *}{@code /30} in
 * hours is hour 0); day-of-week 0 and 7 are both Sunday, and 7 at the start of a range means 0.
 * Unlike Spring, which refuses them, a backwards range wraps around: {@code 22-2} in hours is 22,
 * 23, 0, 1, 2, and {@code FRI-MON} is Friday to Monday.
 */
enum CronField {
  SECOND("second", 0, 59),
  MINUTE("minute", 0, 59),
  HOUR("hour", 0, 23),
  DAY_OF_MONTH("day-of-month", 1, 31),
  MONTH(
      "month", 1, 12, "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV",
      "DEC"),
  DAY_OF_WEEK("day-of-week", 0, 7, "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");

  private static final Pattern ELEMENT =
      Pattern.compile("(\\*|([0-9A-Z]+)(?:-([0-9A-Z]+))?)(?:/([0-9]+))?");

  final String label;
  final int min;
  final int max;
  private final String[] names;

  CronField(String label, int min, int max, String... names) {
    this.label = label;
    this.min = min;
    this.max = max;
    this.names = names;
  }

  /** The bits of one list element (upper case, no L, W or #). Day-of-week keeps Sunday as 7. */
  long bits(String expression, String element) {
    Matcher m = ELEMENT.matcher(element);
    if (!m.matches()) {
      throw invalid(expression, element);
    }
    int step =
        m.group(4) == null ? 1 : number(expression, element, m.group(4), 1, 999_999, "step ");
    int from;
    int to;
    if (m.group(1).equals("*")) {
      from = this == DAY_OF_WEEK ? 1 : min;
      to = max;
    } else {
      from = value(expression, m.group(2));
      to = m.group(3) != null ? value(expression, m.group(3)) : m.group(4) != null ? max : from;
      if (this == DAY_OF_WEEK && from == 7 && to < 7) {
        from = 0;
      }
    }
    long bits = 0;
    int span = to >= from ? to - from : cycle() - from + to;
    for (int i = 0; i <= span; i += step) {
      bits |= 1L << wrap(from + i);
    }
    if (this == DAY_OF_WEEK && (bits & 1) != 0) {
      bits = (bits & ~1L) | (1L << 7);
    }
    return bits;
  }

  /** A single value: a number in range or, for months and days of the week, a name. */
  int value(String expression, String token) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(token)) {
        return i + 1;
      }
    }
    return number(expression, token, token, min, max, "");
  }

  /** The length of a backwards range's cycle: the last value comes before the first again. */
  private int cycle() {
    // Day-of-week cycles through 1-7 (0 is 7 again); the others through min..max.
    return this == DAY_OF_WEEK ? 7 : max - min + 1;
  }

  private int wrap(int v) {
    if (v <= max) {
      return v;
    }
    return this == DAY_OF_WEEK ? v - 7 : v - (max - min + 1);
  }

  private int number(
      String expression, String element, String digits, int low, int high, String what) {
    if (!digits.chars().allMatch(Character::isDigit)) {
      throw invalid(expression, element);
    }
    if (digits.length() > 7 || Integer.parseInt(digits) < low || Integer.parseInt(digits) > high) {
      throw new InvalidScheduleException(
          "\""
              + expression
              + "\" "
              + label
              + " "
              + what
              + digits
              + " is out of range "
              + low
              + "-"
              + high);
    }
    return Integer.parseInt(digits);
  }

  InvalidScheduleException invalid(String expression, String element) {
    String names = this.names.length == 0 ? "" : " or a name (" + this.names[0] + ")";
    return new InvalidScheduleException(
        "\""
            + expression
            + "\" "
            + label
            + " \""
            + element
            + "\" is not valid: write a value "
            + min
            + "-"
            + max
            + names
            + ", a range a-b, a step */n or a-b/n, or a list of these");
  }

  static String upper(String token) {
    return token.toUpperCase(Locale.ROOT);
  }
}
