package io.etcron.job;

import java.util.List;
import java.util.Map;

/**
 * A job as written by a user (JSON or YAML), before validation: every field may be missing.
 * Durations are strings ({@code "30s"}, {@code "1h30m"}, {@code "PT1M"}); policies are lower case.
 * {@link Job#from(JobSpec, java.time.Instant)} turns it into a {@link Job} or lists what is wrong.
 * Fields added later ({@code user}, {@code group}, {@code limits}) come last: a stored job written
 * before them reads with them absent.
 */
public record JobSpec(
    String name,
    String description,
    String command,
    Map<String, String> env,
    String workingDir,
    String schedule,
    String timeZone,
    String concurrency,
    String misfire,
    Integer maxCatchUp,
    String startingDeadline,
    String timeout,
    Integer retries,
    String retryBackoff,
    List<String> tags,
    Boolean paused,
    String user,
    String group,
    LimitsSpec limits) {

  /**
   * Resource limits as written: {@code {cpuSeconds: 60, openFiles: 1024, memory: "512MiB"}}.
   *
   * @param cpuSeconds CPU seconds
   * @param openFiles open file descriptors
   * @param memory address space, a size such as {@code "512MiB"}
   */
  public record LimitsSpec(Long cpuSeconds, Long openFiles, String memory) {}

  /** The same spec with another name (the URL's name wins over the body's). */
  public JobSpec withName(String n) {
    return new JobSpec(
        n,
        description,
        command,
        env,
        workingDir,
        schedule,
        timeZone,
        concurrency,
        misfire,
        maxCatchUp,
        startingDeadline,
        timeout,
        retries,
        retryBackoff,
        tags,
        paused,
        user,
        group,
        limits);
  }
}
