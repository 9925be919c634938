package io.etcron.job;

import java.util.List;
import java.util.Map;

/**
 * A job as written by a user (JSON or YAML), before validation: every field may be missing.
 * Durations are strings ({@code "30s"}, {@code "1h30m"}, {@code "PT1M"}); policies are lower case.
 * {@link Job#from(JobSpec, java.time.Instant)} turns it into a {@link Job} or lists what is wrong.
 * Fields added later ({@code user}, {@code group}, {@code limits}, {@code http}, {@code notify},
 * {@code sla}, {@code after}, {@code exclude}, {@code mode}) come last: a stored job written before
 * them reads with them absent. A job has either a {@code command} or an {@code http} call. Its JSON
 * field {@code notify} is {@link #notifyTargets()} in Java ({@code notify} is taken by {@link
 * Object#notify()}; {@code io.etcron.json.Json} maps the name).
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
    LimitsSpec limits,
    HttpSpec http,
    List<NotifySpec> notifyTargets,
    String sla,
    AfterSpec after,
    List<String> exclude,
    String mode) {

  /**
   * Resource limits as written: {@code {cpuSeconds: 60, openFiles: 1024, memory: "512MiB"}}.
   *
   * @param cpuSeconds CPU seconds
   * @param openFiles open file descriptors
   * @param memory address space, a size such as {@code "512MiB"}
   */
  public record LimitsSpec(Long cpuSeconds, Long openFiles, String memory) {}

  /**
   * An HTTP call as written: {@code {url: "https://example.com/hook", method: "POST", headers:
   * {...}, body: "...", expectStatus: [200, "3xx"], timeout: "10s"}}.
   *
   * @param url absolute http or https URL
   * @param method GET (default), HEAD, POST, PUT, PATCH, DELETE or OPTIONS
   * @param headers request headers
   * @param body request body
   * @param expectStatus a code ({@code 204}), a class ({@code "2xx"}) or a list of them; default
   *     {@code "2xx"}
   * @param timeout a duration for the whole exchange; default 30s, never beyond the job's timeout
   */
  public record HttpSpec(
      String url,
      String method,
      Map<String, String> headers,
      String body,
      Object expectStatus,
      String timeout) {}

  /**
   * One notification target as written: {@code {on: [failed, lost], webhook: "https://..."}} or
   * {@code {on: [failed], email: "ops@example.com"}}.
   *
   * @param on events: failed, timed_out, lost, missed, killed, recovered, late
   * @param webhook an absolute http(s) URL that gets a signed JSON POST
   * @param email an address that gets a mail
   */
  public record NotifySpec(List<String> on, String webhook, String email) {}

  /**
   * The {@code after} field as written: {@code {jobs: [extract, load], on: success}}.
   *
   * @param jobs the parents' names
   * @param on {@code success} (default), {@code failure} or {@code always}
   */
  public record AfterSpec(List<String> jobs, String on) {}

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
        limits,
        http,
        notifyTargets,
        sla,
        after,
        exclude,
        mode);
  }
}
