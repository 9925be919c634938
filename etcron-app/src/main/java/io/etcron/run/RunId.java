package io.etcron.run;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A run's id: {@code <job>@<fire time epoch millis>}, then {@code #<index>} for one worker's run of
 * a broadcast fire, then {@code ~manual} for a manual run or {@code ~after~<parent run id>} for a
 * run its parent's run fired. One fire is one run whatever happens, so writes keyed by it are
 * idempotent. URL-safe but for a shard's {@code #} (a URL writes it {@code %23}), at most {@link
 * #MAX_LENGTH} characters.
 *
 * @param job the job's name
 * @param fireTime the fire time, millisecond precision
 * @param trigger scheduled, manual or after a parent
 * @param parent for {@link Trigger#AFTER}, the id of the parent's run; null otherwise
 * @param shard for one worker's run of a broadcast fire, its index; -1 otherwise
 */
public record RunId(String job, Instant fireTime, Trigger trigger, String parent, int shard) {
  /** Characters of an id at most (a chain of {@code after} runs names every ancestor). */
  public static final int MAX_LENGTH = 1000;

  private static final Pattern FORM =
      Pattern.compile(
          "([A-Za-z0-9][A-Za-z0-9._-]{0,127})@(\\d{1,18})(?:#(\\d{1,4}))?(~manual|~after~(.+))?");

  private static final String EXAMPLE = "backup@1764000000000";

  public RunId {
    fireTime = Instant.ofEpochMilli(fireTime.toEpochMilli());
    if ((trigger == Trigger.AFTER) != (parent != null)) {
      throw new IllegalArgumentException("a run has a parent if and only if it ran after one");
    }
    if (shard < -1) {
      throw new IllegalArgumentException("a shard index is 0 or more");
    }
  }

  /** A scheduled or manual run's id. */
  public RunId(String job, Instant fireTime, Trigger trigger) {
    this(job, fireTime, trigger, null, -1);
  }

  /** The run's id without a shard. */
  public RunId(String job, Instant fireTime, Trigger trigger, String parent) {
    this(job, fireTime, trigger, parent, -1);
  }

  /** The id of this fire's run on the worker with index {@code index} (broadcast). */
  public RunId shard(int index) {
    return new RunId(job, fireTime, trigger, parent, index);
  }

  /** The same fire's id without its shard. */
  public RunId base() {
    return new RunId(job, fireTime, trigger, parent, -1);
  }

  /** The id of {@code job}'s run at {@code fireTime} that {@code parent}'s end fired. */
  public static RunId after(String job, Instant fireTime, RunId parent) {
    return new RunId(job, fireTime, Trigger.AFTER, parent.toString());
  }

  /**
   * Parses the string form.
   *
   * @throws IllegalArgumentException when {@code s} is not a run id
   */
  public static RunId parse(String s) {
    if (s == null || s.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "\"" + abbreviate(s) + "\" is not a run id like " + EXAMPLE);
    }
    Matcher m = FORM.matcher(s);
    if (!m.matches() || m.group(1).contains("..")) {
      throw new IllegalArgumentException("\"" + s + "\" is not a run id like " + EXAMPLE);
    }
    Instant at = Instant.ofEpochMilli(Long.parseLong(m.group(2)));
    int shard = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
    if (m.group(4) == null) {
      return new RunId(m.group(1), at, Trigger.SCHEDULE, null, shard);
    }
    if (m.group(5) == null) {
      return new RunId(m.group(1), at, Trigger.MANUAL, null, shard);
    }
    parse(m.group(5)); // the parent must be a run id too
    return new RunId(m.group(1), at, Trigger.AFTER, m.group(5), shard);
  }

  /** The parent run's id, for a run that ran after it. */
  public Optional<RunId> parentId() {
    return parent == null ? Optional.empty() : Optional.of(parse(parent));
  }

  /** Whether {@code name} is this run's job or the job of one of its ancestors. */
  public boolean descendsFrom(String name) {
    for (RunId r = this; r != null; r = r.parentId().orElse(null)) {
      if (r.job().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** Jobs in the chain that led to this run, itself included (1 for a run without parent). */
  public int depth() {
    int n = 0;
    for (RunId r = this; r != null; r = r.parentId().orElse(null)) {
      n++;
    }
    return n;
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  @Override
  public String toString() {
    return job
        + "@"
        + fireTime.toEpochMilli()
        + (shard < 0 ? "" : "#" + shard)
        + switch (trigger) {
          case SCHEDULE -> "";
          case MANUAL -> "~manual";
          case AFTER -> "~after~" + Objects.requireNonNull(parent);
        };
  }
}
