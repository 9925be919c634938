package io.etcron.run;

import java.time.Duration;

/**
 * How long runs and the audit trail are kept.
 *
 * @param maxAge runs fired longer ago are deleted
 * @param maxRunsPerJob beyond this many runs of a job, the oldest are deleted
 * @param auditMaxAge audit entries written longer ago are deleted
 */
public record RetentionPolicy(Duration maxAge, int maxRunsPerJob, Duration auditMaxAge) {
  public static final Duration DEFAULT_AUDIT_MAX_AGE = Duration.ofDays(365);
  public static final RetentionPolicy DEFAULT =
      new RetentionPolicy(Duration.ofDays(30), 10_000, DEFAULT_AUDIT_MAX_AGE);

  public RetentionPolicy {
    if (maxAge.isNegative() || maxAge.isZero() || maxRunsPerJob < 1) {
      throw new IllegalArgumentException(
          "retention needs a positive age and at least 1 run per job");
    }
    if (auditMaxAge.isNegative() || auditMaxAge.isZero()) {
      throw new IllegalArgumentException("audit retention needs a positive age");
    }
  }

  /** Runs kept so; the audit trail for {@link #DEFAULT_AUDIT_MAX_AGE}. */
  public RetentionPolicy(Duration maxAge, int maxRunsPerJob) {
    this(maxAge, maxRunsPerJob, DEFAULT_AUDIT_MAX_AGE);
  }
}
