package io.etcron.schedule;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.field.CronFieldName;
import com.cronutils.model.field.expression.Always;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cron schedule with seconds, parsed by cron-utils (Spring 5.3 dialect). Fire times follow the
 * daylight saving time rules described in {@link io.etcron.schedule}.
 */
public final class CronSchedule implements Schedule {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));
  private static final String[] FIELDS = {
    "second", "minute", "hour", "day-of-month", "month", "day-of-week"
  };
  private static final String[] NEUTRAL = {"0", "0", "0", "*", "*", "?"};
  private static final Pattern RANGE =
      Pattern.compile("Value (\\S+) not in range \\[(\\d+), (\\d+)\\]");

  /** Bound on transitions crossed in one search: a schedule that only fires years apart. */
  private static final int MAX_HOPS = 1000;

  private final String expression;
  private final Cron cron;
  private final ExecutionTime times;
  private final boolean everyHour;

  private CronSchedule(String expression, Cron cron) {
    this.expression = expression;
    this.cron = cron;
    this.times = ExecutionTime.forCron(cron);
    this.everyHour = cron.retrieve(CronFieldName.HOUR).getExpression() instanceof Always;
  }

  static CronSchedule parse(String expression, String cron) {
    String[] parts = cron.strip().split("\\s+");
    if (parts.length == 5) {
      parts = ("0 " + String.join(" ", parts)).split(" ");
    }
    if (parts.length != 6) {
      throw new InvalidScheduleException(
          "\""
              + expression
              + "\": expected 5 or 6 fields (sec min hour day-of-month month day-of-week), got "
              + parts.length);
    }
    for (int i = 0; i < parts.length; i++) {
      parts[i] = normalize(expression, i, parts[i]);
    }
    String normalized = String.join(" ", parts);
    try {
      return new CronSchedule(expression, PARSER.parse(normalized).validate());
    } catch (IllegalArgumentException e) {
      throw new InvalidScheduleException(
          "\"" + expression + "\" " + culprit(parts, e.getMessage()));
    }
  }

  private static final Pattern DOM_SPECIAL = Pattern.compile("L|LW|L-(\\d{1,2})|(\\d{1,2})W");
  private static final Pattern DOW_SPECIAL = Pattern.compile("([0-7]|[A-Z]{3})(L|#([1-5]))");

  /**
   * Upper-cases names, reads {@code ?} as {@code *}, and allows {@code L}, {@code W} and {@code #}
   * only in the simple forms cron-utils computes correctly: it ignores {@code L} inside a list,
   * reads a bare {@code L} in day-of-week as every Sunday, and fails on {@code 31W} in short
   * months.
   */
  private static String normalize(String expression, int field, String token) {
    String v = token.toUpperCase(Locale.ROOT);
    if (v.equals("?")) {
      if (field != 3 && field != 5) {
        throw new InvalidScheduleException(
            "\""
                + expression
                + "\" "
                + FIELDS[field]
                + ": ? is only allowed in day-of-month and day-of-week");
      }
      return "*";
    }
    if (field == 3 && (v.contains("L") || v.contains("W"))) {
      Matcher m = DOM_SPECIAL.matcher(v);
      if (!m.matches()) {
        throw new InvalidScheduleException(
            "\""
                + expression
                + "\" day-of-month \""
                + token
                + "\": L and W must stand alone: L, L-<days>, LW or <day>W (no lists, ranges or steps)");
      }
      if (m.group(1) != null && Integer.parseInt(m.group(1)) > 30) {
        throw new InvalidScheduleException(
            "\"" + expression + "\" day-of-month offset " + m.group(1) + " is out of range 0-30");
      }
      if (m.group(2) != null
          && (Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 28)) {
        throw new InvalidScheduleException(
            "\""
                + expression
                + "\" day-of-month "
                + m.group(2)
                + "W is out of range 1-28 (W works on days every month has)");
      }
    }
    if (field == 5 && (v.contains("L") || v.contains("#"))) {
      if (!DOW_SPECIAL.matcher(v).matches()) {
        throw new InvalidScheduleException(
            "\""
                + expression
                + "\" day-of-week \""
                + token
                + "\": L and # must follow one day: <day>L (the last in the month) or <day>#<1-5>");
      }
    }
    return v;
  }

  /** Finds the field cron-utils refused by parsing each field alone, and says why in our words. */
  private static String culprit(String[] parts, String whole) {
    for (int i = 0; i < parts.length; i++) {
      String[] probe = NEUTRAL.clone();
      probe[i] = parts[i];
      if (i == 5) {
        probe[3] = "?";
      }
      try {
        PARSER.parse(String.join(" ", probe)).validate();
      } catch (IllegalArgumentException e) {
        return FIELDS[i] + " " + reason(parts[i], e.getMessage());
      }
    }
    return "is not valid: " + clean(whole);
  }

  private static String reason(String token, String message) {
    Matcher m = RANGE.matcher(String.valueOf(message));
    if (m.find()) {
      return m.group(1) + " is out of range " + m.group(2) + "-" + m.group(3);
    }
    return "\"" + token + "\" is not valid: " + clean(message);
  }

  private static String clean(String message) {
    return String.valueOf(message)
        .replace("Failed to parse cron expression. ", "")
        .replace("Failed to parse '", "'");
  }

  @Override
  public Optional<Instant> next(Instant after, ZoneId zone) {
    return everyHour ? nextAbsolute(after, zone) : nextLocal(after, zone);
  }

  /**
   * Absolute time: search under the offset in force; when a transition comes before the match, go
   * on from the transition under the new offset. Both passes of a repeated hour fire.
   */
  private Optional<Instant> nextAbsolute(Instant after, ZoneId zone) {
    ZoneOffset offset = zone.getRules().getOffset(after);
    LocalDateTime from = LocalDateTime.ofInstant(after, offset);
    Instant t = after;
    for (int hop = 0; hop < MAX_HOPS; hop++) {
      Optional<LocalDateTime> match = nextMatch(from);
      if (match.isEmpty()) {
        return Optional.empty();
      }
      Instant candidate = match.get().toInstant(offset);
      ZoneOffsetTransition transition = zone.getRules().nextTransition(t);
      if (transition == null || candidate.isBefore(transition.getInstant())) {
        return Optional.of(candidate);
      }
      offset = transition.getOffsetAfter();
      t = transition.getInstant();
      // Include a match at exactly the transition's local time.
      from = LocalDateTime.ofInstant(t, offset).minusNanos(1);
    }
    return Optional.empty();
  }

  /**
   * Local time: the first matching wall-clock time whose instant in the zone comes after {@code
   * after}. A time in a skipped hour maps forward by the gap, a repeated time to its first
   * occurrence; both mappings keep order, so the first instant after {@code after} is the answer.
   * The search starts before a gap that ended just before {@code after}: a time in the gap maps to
   * the gap's end and must not hide the times right after it.
   */
  private Optional<Instant> nextLocal(Instant after, ZoneId zone) {
    LocalDateTime local = LocalDateTime.ofInstant(after, zone);
    ZoneOffsetTransition gap = zone.getRules().previousTransition(after.plusNanos(1));
    if (gap != null
        && gap.isGap()
        && !gap.getInstant().isBefore(after.minus(java.time.Duration.ofDays(1)))) {
      LocalDateTime beforeGap = gap.getDateTimeBefore().minusNanos(1);
      if (beforeGap.isBefore(local)) {
        local = beforeGap;
      }
    }
    for (int hop = 0; hop < MAX_HOPS * 100; hop++) {
      Optional<LocalDateTime> match = nextMatch(local);
      if (match.isEmpty()) {
        return Optional.empty();
      }
      Optional<Instant> candidate =
          Optional.of(toInstant(match.get(), zone)).filter(at -> at.isAfter(after));
      ZoneOffsetTransition skipped = zone.getRules().getTransition(match.get());
      if (skipped != null && skipped.isGap()) {
        // A skipped time moves forward by the gap; times right after the gap may come first.
        LocalDateTime shifted = match.get().plus(skipped.getDuration());
        Optional<LocalDateTime> later = nextMatch(match.get());
        for (int n = 0; later.isPresent() && !later.get().isAfter(shifted) && n < MAX_HOPS; n++) {
          Instant at = toInstant(later.get(), zone);
          if (at.isAfter(after) && (candidate.isEmpty() || at.isBefore(candidate.get()))) {
            candidate = Optional.of(at);
          }
          later = nextMatch(later.get());
        }
      }
      if (candidate.isPresent()) {
        return candidate;
      }
      local = match.get();
    }
    return Optional.empty();
  }

  /** A wall-clock time in the zone: moved forward by a gap, the earlier of an overlap. */
  private static Instant toInstant(LocalDateTime local, ZoneId zone) {
    return ZonedDateTime.ofLocal(local, zone, null).toInstant();
  }

  /** The next wall-clock time strictly after {@code local} matching the cron (no zone rules). */
  private Optional<LocalDateTime> nextMatch(LocalDateTime local) {
    // Truncated to the second: the next match after 10:00:00.5 is the same as after 10:00:00.
    return times
        .nextExecution(local.truncatedTo(ChronoUnit.SECONDS).atZone(ZoneOffset.UTC))
        .map(ZonedDateTime::toLocalDateTime);
  }

  @Override
  public Optional<Instant> previous(Instant before, ZoneId zone) {
    ZoneOffset offset = zone.getRules().getOffset(before);
    LocalDateTime local = LocalDateTime.ofInstant(before.minusNanos(1), offset);
    // cron-utils looks strictly before the given second: step past a match at exactly it.
    LocalDateTime probe = local.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    return times
        .lastExecution(probe.atZone(ZoneOffset.UTC))
        .map(ZonedDateTime::toLocalDateTime)
        .map(l -> ZonedDateTime.ofLocal(l, zone, offset).toInstant())
        .filter(i -> i.isBefore(before));
  }

  @Override
  public String expression() {
    return expression;
  }

  @Override
  public String describe() {
    return CronDescriptor.instance(Locale.UK).describe(cron);
  }

  @Override
  public Kind kind() {
    return Kind.CRON;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CronSchedule c && c.expression.equals(expression);
  }

  @Override
  public int hashCode() {
    return expression.hashCode();
  }

  @Override
  public String toString() {
    return expression;
  }
}
