package io.etcron.notify;

import io.etcron.concurrent.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a failed delivery is tried again: {@code first} after the first failure, doubling up to
 * {@code max} (a {@link Backoff}); after {@code giveUpAfter} since it was enqueued, it is not tried
 * again. Immutable.
 *
 * @param first the pause after the first failed attempt
 * @param max the longest pause
 * @param giveUpAfter how long a delivery is retried at most
 */
public record DeliveryRetry(Duration first, Duration max, Duration giveUpAfter) {
  /** 10 s, doubling to 10 min, for 2 h (at least an hour of retries, as promised). */
  public static final DeliveryRetry DEFAULT =
      new DeliveryRetry(Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofHours(2));

  public DeliveryRetry {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException(
          "notification backoff: first " + first + " must be positive and at most max " + max);
    }
    if (giveUpAfter.compareTo(first) < 0) {
      throw new IllegalArgumentException(
          "notification give-up " + giveUpAfter + " must be at least the first backoff " + first);
    }
  }

  /**
   * When to try again after {@code attempts} failed attempts, or empty to give up.
   *
   * @param createdAt when the delivery was enqueued
   */
  public Optional<Instant> next(int attempts, Instant createdAt, Instant now) {
    Duration pause = new Backoff(first, max).after(attempts);
    Instant next = now.plus(pause);
    return next.isAfter(createdAt.plus(giveUpAfter)) ? Optional.empty() : Optional.of(next);
  }
}
