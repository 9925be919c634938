package io.etcron.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Optional;

/**
 * A cron schedule: 6 fields with seconds in Spring's dialect, or 5 fields as Unix cron (second 0,
 * the two day fields ORed when both are restricted). The field syntax is in {@link CronField} and
 * {@link CronDays}; fire times follow the daylight saving time rules described in {@link
 * io.etcron.schedule}. Immutable and thread-safe.
 */
public final class CronSchedule implements Schedule {
  /** Bound on transitions crossed in one search: a schedule that only fires years apart. */
  private static final int MAX_HOPS = 1000;

  /** Bound on wall-clock matches tried in one search: a per-second cron across a day-long gap. */
  private static final int MAX_MATCHES = 200_000;

  private final String expression;
  private final String cron;
  private final CronMatcher matcher;
  private final boolean everyHour;

  private CronSchedule(String expression, String cron, String[] fields, boolean unixDays) {
    this.expression = expression;
    this.cron = cron;
    this.matcher = new CronMatcher(expression, fields, unixDays);
    this.everyHour = fields[2].equals("*");
  }

  /** Schedules already parsed, by expression: many jobs share one ({@code @daily}, hourly ones). */
  private static final Interner<CronSchedule> SHARED = new Interner<>(16_384);

  /** {@code expression}, whose cron fields are {@code cron} (the same, or a macro's). */
  static CronSchedule parse(String expression, String cron) {
    return SHARED.get(expression, e -> new CronSchedule(e, cron, fields(e, cron), unix(cron)));
  }

  /** Whether {@code cron} has Unix cron's five fields (no seconds), and its day rules. */
  private static boolean unix(String cron) {
    return cron.strip().split("\\s+").length == 5;
  }

  /** The six normalized fields of {@code cron} (a five-field one gains second 0). */
  private static String[] fields(String expression, String cron) {
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
    return parts;
  }

  /** Upper-cases names and reads {@code ?} as {@code *}, which only the day fields allow. */
  private static String normalize(String expression, int field, String token) {
    String v = CronField.upper(token);
    if (v.equals("?")) {
      if (field != 3 && field != 5) {
        throw new InvalidScheduleException(
            "\""
                + expression
                + "\" "
                + CronField.values()[field].label
                + ": ? is only allowed in day-of-month and day-of-week");
      }
      return "*";
    }
    return v;
  }

  @Override
  public Optional<Instant> next(Instant after, ZoneId zone) {
    return everyHour ? nextAbsolute(after, zone) : nextLocal(after, zone);
  }

  @Override
  public Optional<Instant> previous(Instant before, ZoneId zone) {
    return everyHour ? previousAbsolute(before, zone) : previousLocal(before, zone);
  }

  /**
   * Absolute time: an instant fires when its wall-clock time in the zone matches. Search under the
   * offset in force; when a transition comes before the match, go on from the transition under the
   * new offset. Both passes of a repeated hour fire; a skipped hour has no wall-clock times.
   */
  private Optional<Instant> nextAbsolute(Instant after, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    ZoneOffset offset = rules.getOffset(after);
    LocalDateTime from = LocalDateTime.ofInstant(after, offset);
    Instant t = after;
    for (int hop = 0; hop < MAX_HOPS; hop++) {
      Optional<LocalDateTime> match = matcher.next(from);
      if (match.isEmpty()) {
        return Optional.empty();
      }
      Instant candidate = match.get().toInstant(offset);
      ZoneOffsetTransition transition = rules.nextTransition(t);
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

  /** The mirror of {@link #nextAbsolute}: backwards through the offsets in force. */
  private Optional<Instant> previousAbsolute(Instant before, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    ZoneOffset offset = rules.getOffset(before.minusNanos(1));
    Instant t = before;
    for (int hop = 0; hop < MAX_HOPS; hop++) {
      Optional<LocalDateTime> match = matcher.previous(LocalDateTime.ofInstant(t, offset));
      if (match.isEmpty()) {
        return Optional.empty();
      }
      Instant candidate = match.get().toInstant(offset);
      // previousTransition is strictly before t: the offset in force on [transition, t).
      ZoneOffsetTransition transition = rules.previousTransition(t);
      if (transition == null || !candidate.isBefore(transition.getInstant())) {
        return Optional.of(candidate);
      }
      offset = transition.getOffsetBefore();
      t = transition.getInstant();
    }
    return Optional.empty();
  }

  /**
   * Local time: each matching wall-clock time fires once, at {@link #toInstant}: a time in a
   * skipped hour moves forward by the gap, a repeated time fires at its first occurrence. That
   * mapping keeps order except that a moved time can come after real times just past the gap, so
   * the search walks matches until one outside a gap lies after {@code after}; it starts in a gap
   * that ended less than a gap ago, whose moved times can still lie ahead.
   */
  private Optional<Instant> nextLocal(Instant after, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    LocalDateTime from = LocalDateTime.ofInstant(after, zone);
    ZoneOffsetTransition last = rules.previousTransition(after.plusNanos(1));
    if (last != null
        && last.isGap()
        && after.isBefore(last.getInstant().plus(last.getDuration()))) {
      from = last.getDateTimeBefore().minusNanos(1);
    }
    Optional<Instant> best = Optional.empty();
    for (int n = 0; n < MAX_MATCHES; n++) {
      Optional<LocalDateTime> match = matcher.next(from);
      if (match.isEmpty()) {
        return best;
      }
      from = match.get();
      Instant at = toInstant(from, zone);
      if (at.isAfter(after)) {
        if (best.isEmpty() || at.isBefore(best.get())) {
          best = Optional.of(at);
        }
        if (!inGap(from, rules)) {
          return best;
        }
      }
    }
    return best;
  }

  /**
   * The mirror of {@link #nextLocal}: walks matches backwards until one lies before {@code before}
   * and no earlier moved time can follow it. In the second pass of a repeated hour, times up to the
   * hour's end fired in its first pass, before {@code before}.
   */
  private Optional<Instant> previousLocal(Instant before, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    LocalDateTime to = LocalDateTime.ofInstant(before, zone);
    ZoneOffsetTransition last = rules.previousTransition(before.plusNanos(1));
    if (last != null
        && last.isOverlap()
        && before.isBefore(last.getInstant().minus(last.getDuration()))
        && to.isBefore(last.getDateTimeBefore())) {
      to = last.getDateTimeBefore();
    }
    Optional<Instant> best = Optional.empty();
    for (int n = 0; n < MAX_MATCHES; n++) {
      Optional<LocalDateTime> match = matcher.previous(to);
      if (match.isEmpty()) {
        return best;
      }
      to = match.get();
      Instant at = toInstant(to, zone);
      if (at.isBefore(before)) {
        if (best.isEmpty() || at.isAfter(best.get())) {
          best = Optional.of(at);
        }
        if (inGap(to, rules) || !afterMovedTimes(at, rules)) {
          return best;
        }
      }
    }
    return best;
  }

  private static boolean inGap(LocalDateTime local, ZoneRules rules) {
    ZoneOffsetTransition t = rules.getTransition(local);
    return t != null && t.isGap();
  }

  /** Whether {@code at} lies within a gap's length after the gap: moved times may follow it. */
  private static boolean afterMovedTimes(Instant at, ZoneRules rules) {
    ZoneOffsetTransition t = rules.previousTransition(at.plusNanos(1));
    return t != null && t.isGap() && at.isBefore(t.getInstant().plus(t.getDuration()));
  }

  /** A wall-clock time in the zone: moved forward by a gap, the earlier of an overlap. */
  private static Instant toInstant(LocalDateTime local, ZoneId zone) {
    return ZonedDateTime.ofLocal(local, zone, null).toInstant();
  }

  @Override
  public String expression() {
    return expression;
  }

  @Override
  public String describe() {
    // Worded when asked (a page of the API), not when parsed: a worker parses every job it holds.
    return CronWords.describe(expression, fields(expression, cron), unix(cron));
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
