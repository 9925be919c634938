package io.etcron.concurrent;

import java.time.Duration;

/**
 * How long to pause after consecutive failures: {@code first} after the first, doubling up to
 * {@code max}. Immutable.
 *
 * @param first the pause after the first failure
 * @param max the longest pause
 */
public record Backoff(Duration first, Duration max) {
  public Backoff {
    if (first.isNegative() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException(
          "backoff: first pause "
              + first
              + " must be at least zero and at most the longest "
              + max);
    }
  }

  /** The same pause after every failure. */
  public static Backoff fixed(Duration pause) {
    return new Backoff(pause, pause);
  }

  /** The pause after {@code failures} consecutive failures (at least 1). */
  public Duration after(int failures) {
    Duration pause = first;
    for (int i = 1; i < failures && pause.compareTo(max) < 0; i++) {
      pause = pause.multipliedBy(2);
    }
    return pause.compareTo(max) > 0 ? max : pause;
  }
}
