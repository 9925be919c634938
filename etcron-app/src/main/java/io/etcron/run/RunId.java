package io.etcron.run;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A run's id: {@code <job>@<fire time epoch millis>}, with {@code ~manual} appended for manual
 * runs. One fire is one run whatever happens, so writes keyed by it are idempotent. URL-safe.
 *
 * @param job the job's name
 * @param fireTime the fire time, millisecond precision
 * @param trigger scheduled or manual
 */
public record RunId(String job, Instant fireTime, Trigger trigger) {
  private static final Pattern FORM =
      Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]{0,127})@(\\d{1,18})(~manual)?");

  public RunId {
    fireTime = Instant.ofEpochMilli(fireTime.toEpochMilli());
  }

  /**
   * Parses the string form.
   *
   * @throws IllegalArgumentException when {@code s} is not a run id
   */
  public static RunId parse(String s) {
    Matcher m = FORM.matcher(s == null ? "" : s);
    if (!m.matches() || m.group(1).contains("..")) {
      throw new IllegalArgumentException("\"" + s + "\" is not a run id like backup@1764000000000");
    }
    return new RunId(
        m.group(1),
        Instant.ofEpochMilli(Long.parseLong(m.group(2))),
        m.group(3) == null ? Trigger.SCHEDULE : Trigger.MANUAL);
  }

  @Override
  public String toString() {
    return job + "@" + fireTime.toEpochMilli() + (trigger == Trigger.MANUAL ? "~manual" : "");
  }
}
