package io.etcron.run;

import java.time.Duration;

/**
 * How long runs are kept.
 *
 * @param maxAge runs fired longer ago are deleted
 * @param maxRunsPerJob beyond this many runs of a job, the oldest are deleted
 */
public record RetentionPolicy(Duration maxAge, int maxRunsPerJob) {
  public static final RetentionPolicy DEFAULT = new RetentionPolicy(Duration.ofDays(30), 10_000);

  public RetentionPolicy {
    if (maxAge.isNegative() || maxAge.isZero() || maxRunsPerJob < 1) {
      throw new IllegalArgumentException(
          "retention needs a positive age and at least 1 run per job");
    }
  }
}
