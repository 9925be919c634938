package io.etcron.job;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A job's {@code exclude} field: calendar days, in the job's time zone, on which its fires do not
 * run (they are recorded SKIPPED). Each entry is a date ({@code 2026-12-25}) or an inclusive range
 * ({@code 2026-12-24..2026-12-26}). Immutable.
 *
 * @param ranges the days, sorted by their first day
 */
public record Exclusions(List<Range> ranges) {
  /** Entries of one job at most. */
  public static final int MAX_ENTRIES = 366;

  /** No day excluded. */
  public static final Exclusions NONE = new Exclusions(List.of());

  /** One entry: the days from {@code first} to {@code last}, both included. */
  public record Range(LocalDate first, LocalDate last) {
    /** As written: a date, or {@code first..last}. */
    public String wire() {
      return first.equals(last) ? first.toString() : first + ".." + last;
    }
  }

  public Exclusions {
    ranges = ranges.stream().sorted(Comparator.comparing(Range::first)).toList();
  }

  public boolean isNone() {
    return ranges.isEmpty();
  }

  /** Whether {@code day} is excluded. */
  public boolean excludes(LocalDate day) {
    for (Range r : ranges) {
      if (r.first().isAfter(day)) {
        return false;
      }
      if (!r.last().isBefore(day)) {
        return true;
      }
    }
    return false;
  }

  /** Why a fire at {@code fire} does not run, when its day in {@code zone} is excluded. */
  public Optional<String> reason(Instant fire, ZoneId zone) {
    LocalDate day = fire.atZone(zone).toLocalDate();
    return excludes(day)
        ? Optional.of("skipped: " + day + " is an excluded day (exclude)")
        : Optional.empty();
  }

  /** The entries as written. */
  public List<String> wire() {
    return ranges.stream().map(Range::wire).toList();
  }

  /**
   * Parses entries, adding an error per invalid one ({@code exclude[2]: ...}).
   *
   * @param raw the entries as written; null for none
   */
  public static Exclusions parse(List<String> raw, List<FieldError> errors) {
    if (raw == null || raw.isEmpty()) {
      return NONE;
    }
    if (raw.size() > MAX_ENTRIES) {
      errors.add(
          new FieldError(
              "exclude",
              "exclude: has " + raw.size() + " entries; at most " + MAX_ENTRIES + " are allowed"));
      return NONE;
    }
    List<Range> ranges = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String at = "exclude[" + i + "]";
      String entry = raw.get(i);
      if (entry == null || entry.isBlank()) {
        errors.add(
            new FieldError(
                "exclude", at + ": is empty; write 2026-12-25 or 2026-12-24..2026-12-26"));
        continue;
      }
      String[] parts = entry.strip().split("\\.\\.", -1);
      if (parts.length > 2) {
        errors.add(new FieldError("exclude", at + ": \"" + entry + "\" has more than one .."));
        continue;
      }
      try {
        LocalDate first = LocalDate.parse(parts[0].strip());
        LocalDate last = parts.length == 2 ? LocalDate.parse(parts[1].strip()) : first;
        if (last.isBefore(first)) {
          errors.add(
              new FieldError(
                  "exclude", at + ": \"" + entry + "\" ends before it starts; write first..last"));
          continue;
        }
        ranges.add(new Range(first, last));
      } catch (DateTimeParseException e) {
        errors.add(
            new FieldError(
                "exclude",
                at
                    + ": \""
                    + entry
                    + "\" is not a date like 2026-12-25 or a range like 2026-12-24..2026-12-26"));
      }
    }
    return new Exclusions(ranges);
  }
}
