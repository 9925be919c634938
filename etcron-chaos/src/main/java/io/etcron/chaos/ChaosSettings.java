package io.etcron.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a chaos run is set up. Validated on construction.
 *
 * @param duration the whole run, from the first process started to the last one stopped
 * @param seed the seed of the job mix and the fault plan
 * @param dir where the run keeps its logs, data and report (created)
 * @param jar the product's runnable jar ({@code etcron-app/target/etcron.jar})
 * @param ttl the workers' lease TTL
 */
record ChaosSettings(Duration duration, long seed, Path dir, Path jar, Duration ttl) {
  /** Fires and ends this close to the snapshot are not judged: their records may be in flight. */
  static final Duration MARGIN = Duration.ofSeconds(3);

  /** The workers' takeover grace (the product's default). */
  static final Duration GRACE = Duration.ofSeconds(1);

  ChaosSettings {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(jar, "jar");
    if (duration.compareTo(Duration.ofSeconds(90)) < 0) {
      throw new IllegalArgumentException(
          "--duration must be at least 90s (start-up, faults and settling), was " + duration);
    }
    if (ttl.compareTo(Duration.ofSeconds(2)) < 0 || ttl.compareTo(Duration.ofSeconds(30)) > 0) {
      throw new IllegalArgumentException("--ttl must be between 2s and 30s, was " + ttl);
    }
    if (!jar.toFile().isFile()) {
      throw new IllegalArgumentException(
          "the product jar "
              + jar
              + " does not exist: build it with `mvn -B -q -pl etcron-app -am package -DskipTests`");
    }
  }

  /**
   * After the last fault is healed: long enough for a lease to expire, the sweeper to mark the dead
   * worker's runs LOST (two sweeps of 2 s) and the longest command (7 s) to end.
   */
  Duration settle() {
    return ttl.multipliedBy(2).plusSeconds(10);
  }
}
