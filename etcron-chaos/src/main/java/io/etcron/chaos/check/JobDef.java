package io.etcron.chaos.check;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A job of the mix, as far as the checker needs it.
 *
 * @param name the job's name
 * @param concurrency {@code forbid}, {@code allow} or {@code replace}
 * @param period the job's {@code @every} period (its fires are the multiples of it since the epoch)
 * @param createdAt the job's cursor at creation: fires strictly after it are due
 */
public record JobDef(String name, String concurrency, Duration period, Instant createdAt) {

  public JobDef {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(concurrency, "concurrency");
    Objects.requireNonNull(createdAt, "createdAt");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive, was " + period);
    }
  }

  /** Whether two runs of this job must never overlap. */
  public boolean forbidsOverlap() {
    return concurrency.equals("forbid");
  }

  /** The first fire strictly after {@code t}. */
  public Instant nextFireAfter(Instant t) {
    long p = period.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), p) * p + p);
  }
}
