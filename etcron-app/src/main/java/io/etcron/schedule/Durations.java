package io.etcron.schedule;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, {@code
 * 2d}, or ISO {@code PT30S}.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException with an example of what is accepted
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("a duration is required, e.g. 30s, 5m or 1h30m");
    }
    String v = text.strip();
    if (v.toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        throw invalid(text);
      }
    }
    Matcher m = PART.matcher(v);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
              });
      end = m.end();
    }
    if (end == 0 || end != v.length()) {
      throw invalid(text);
    }
    return total;
  }

  /** {@code d} written as parse accepts it, e.g. {@code 1h30m}, {@code 500ms}, {@code 0s}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder s = new StringBuilder();
    long days = d.toDays();
    if (days > 0) {
      s.append(days).append('d');
    }
    append(s, d.toHoursPart(), "h");
    append(s, d.toMinutesPart(), "m");
    append(s, d.toSecondsPart(), "s");
    append(s, d.toMillisPart(), "ms");
    return s.toString();
  }

  private static void append(StringBuilder s, long n, String unit) {
    if (n > 0) {
      s.append(n).append(unit);
    }
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "\"" + text + "\" is not a duration; write e.g. 500ms, 30s, 5m, 1h30m, 2d or PT30S");
  }
}
