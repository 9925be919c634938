package io.etcron.testing;

import java.time.Duration;

/**
 * How long tests wait for something to happen, scaled for the machine: the bounds are written for a
 * 2-core machine, and a slower or busier one (a loaded CI runner, a build beside a benchmark) sets
 * {@code ETCRON_TEST_TIME_SCALE} (or {@code -Detcron.test.timeScale}), e.g. {@code 2}, to double
 * every bound instead of editing them. Only upper bounds of waits are scaled: what a test asserts
 * to take at least some time, or the length of an experiment, is not.
 */
public final class Timing {
  /** The factor every wait bound is multiplied by (at least 1). */
  public static final double SCALE = scale();

  private Timing() {}

  private static double scale() {
    String value = System.getProperty("etcron.test.timeScale");
    if (value == null) {
      value = System.getenv("ETCRON_TEST_TIME_SCALE");
    }
    if (value == null || value.isBlank()) {
      return 1;
    }
    try {
      double scale = Double.parseDouble(value.trim());
      if (!(scale >= 1) || Double.isInfinite(scale)) {
        throw new IllegalArgumentException(
            "the test time scale must be a number of at least 1, not \"" + value + "\"");
      }
      return scale;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "the test time scale must be a number of at least 1, not \"" + value + "\"", e);
    }
  }

  /** {@code bound} times the machine's scale. */
  public static Duration scaled(Duration bound) {
    return SCALE == 1 ? bound : Duration.ofNanos((long) (bound.toNanos() * SCALE));
  }

  /** An upper bound of {@code seconds}, scaled. */
  public static Duration seconds(long seconds) {
    return scaled(Duration.ofSeconds(seconds));
  }

  /** An upper bound of {@code millis}, scaled. */
  public static Duration millis(long millis) {
    return scaled(Duration.ofMillis(millis));
  }
}
