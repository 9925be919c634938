package io.etcron.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses durations such as {@code 500ms}, {@code 5s}, {@code 1h30m} or ISO {@code PT5S}. */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /** Parses {@code value} or throws {@link TypeConversionException} with an example. */
  public static Duration parse(String value) {
    String v = value.trim();
    if (v.startsWith("P") || v.startsWith("p")) {
      try {
        return Duration.parse(v.toUpperCase());
      } catch (RuntimeException e) {
        throw invalid(value);
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
      throw invalid(value);
    }
    return total;
  }

  private static TypeConversionException invalid(String value) {
    return new TypeConversionException(
        "\"" + value + "\" is not a duration; write e.g. 500ms, 5s, 2m, 1h30m or PT5S");
  }
}
