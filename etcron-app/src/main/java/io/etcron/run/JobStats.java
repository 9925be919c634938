package io.etcron.run;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A job's runs over a window.
 *
 * @param job the job
 * @param last its newest run (without output)
 * @param counts runs by state
 * @param successRate SUCCEEDED / finished runs that ran (SUCCEEDED, FAILED, TIMED_OUT, KILLED,
 *     LOST)
 * @param p50 median duration of finished runs
 * @param p95 95th percentile
 * @param p99 99th percentile
 */
public record JobStats(
    String job,
    Optional<Run> last,
    Map<RunState, Long> counts,
    Optional<Double> successRate,
    Optional<Duration> p50,
    Optional<Duration> p95,
    Optional<Duration> p99) {

  public static JobStats empty(String job) {
    return new JobStats(
        job,
        Optional.empty(),
        Map.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }
}
