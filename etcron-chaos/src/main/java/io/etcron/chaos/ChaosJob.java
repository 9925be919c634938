package io.etcron.chaos;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A job of the chaos mix: its policy, its period, how long its command runs and how its attempts
 * fail.
 *
 * @param name the job's name
 * @param concurrency {@code forbid}, {@code allow} or {@code replace}
 * @param periodSeconds the {@code @every} period
 * @param runSeconds how long the command runs
 * @param timeout the job's timeout, if any ({@code "1s"})
 * @param retries the job's retries
 * @param failingAttempts attempts up to this one exit 3
 */
record ChaosJob(
    String name,
    String concurrency,
    int periodSeconds,
    double runSeconds,
    Optional<String> timeout,
    int retries,
    int failingAttempts) {

  /**
   * The mix: forbid, allow and replace jobs {@code @every 1s} with run times drawn from {@code
   * random}, and slower ones with long runs, timeouts and failing first attempts with retries.
   */
  static List<ChaosJob> mix(Random random) {
    List<ChaosJob> jobs = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      jobs.add(every1s("forbid-" + i, "forbid", 0.2 + random.nextInt(24) / 10.0));
    }
    for (int i = 1; i <= 4; i++) {
      jobs.add(every1s("allow-" + i, "allow", 0.2 + random.nextInt(14) / 10.0));
    }
    for (int i = 1; i <= 2; i++) {
      jobs.add(every1s("replace-" + i, "replace", 1.5 + random.nextInt(10) / 10.0));
    }
    jobs.add(new ChaosJob("forbid-long", "forbid", 5, 7, Optional.empty(), 0, 0));
    jobs.add(new ChaosJob("forbid-timeout", "forbid", 3, 4, Optional.of("1s"), 0, 0));
    jobs.add(new ChaosJob("forbid-retry", "forbid", 2, 0.3, Optional.empty(), 1, 1));
    jobs.add(new ChaosJob("allow-slow", "allow", 4, 6, Optional.empty(), 0, 0));
    jobs.add(new ChaosJob("allow-timeout", "allow", 2, 3, Optional.of("1s"), 0, 0));
    jobs.add(new ChaosJob("allow-retry", "allow", 3, 0.5, Optional.empty(), 2, 1));
    jobs.add(new ChaosJob("replace-slow", "replace", 3, 5, Optional.empty(), 0, 0));
    return jobs;
  }

  private static ChaosJob every1s(String name, String concurrency, double runSeconds) {
    return new ChaosJob(name, concurrency, 1, runSeconds, Optional.empty(), 0, 0);
  }

  /** The job as the master's {@code PUT /api/v1/jobs/{name}} takes it. */
  Map<String, Object> spec(Path script, Path log) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put(
        "command",
        String.format(
            Locale.ROOT,
            "exec /bin/bash '%s' '%s' %.1f %d",
            script,
            log,
            runSeconds,
            failingAttempts));
    spec.put("schedule", "@every " + periodSeconds + "s");
    spec.put("concurrency", concurrency);
    timeout.ifPresent(t -> spec.put("timeout", t));
    if (retries > 0) {
      spec.put("retries", retries);
      spec.put("retryBackoff", "1s");
    }
    return spec;
  }
}
