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
    String normalized = String.join(" ", parts);
    try {
      return new CronSchedule(expression, PARSER.parse(normalized).validate());
    } catch (IllegalArgumentException e) {
      throw new InvalidScheduleException(
          "\"" + expression + "\" " + culprit(parts, e.getMessage()));
    }
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
   * Local time: the next matching wall-clock time after {@code after}'s wall-clock time, mapped to
   * the zone: shifted by the gap when skipped, at its first occurrence when repeated.
   */
  private Optional<Instant> nextLocal(Instant after, ZoneId zone) {
    LocalDateTime local = LocalDateTime.ofInstant(after, zone);
    for (int hop = 0; hop < MAX_HOPS; hop++) {
      Optional<LocalDateTime> match = nextMatch(local);
      if (match.isEmpty()) {
        return Optional.empty();
      }
      Instant at = ZonedDateTime.ofLocal(match.get(), zone, null).toInstant();
      if (at.isAfter(after)) {
        return Optional.of(at);
      }
      // In the second pass of a repeated hour: that wall-clock time already fired.
      local = match.get();
    }
    return Optional.empty();
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
