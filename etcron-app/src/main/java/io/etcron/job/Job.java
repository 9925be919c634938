package io.etcron.job;

import io.etcron.schedule.Durations;
import io.etcron.schedule.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A validated, immutable job definition. Made by {@link #from(JobSpec, Instant)}, which checks
 * every field once; after that the values are trusted.
 *
 * @param name unique name
 * @param description free text, at most 1 000 characters
 * @param command run by {@code /bin/sh -c}, at most 64 KiB; empty for an HTTP job
 * @param env variables added to the command's environment
 * @param workingDir absolute directory to run in
 * @param schedule when it fires
 * @param timeZone the zone its schedule is read in
 * @param concurrency what to do when a fire comes while a run is running
 * @param misfire what to do with fires nobody claimed in time
 * @param maxCatchUp for misfire {@code all}: how many missed fires run at most
 * @param startingDeadline a fire claimed later than this after its time is recorded MISSED
 * @param timeout a run is killed after this long
 * @param retries attempts after a failed or timed-out one
 * @param retryBackoff pause before the first retry; doubles for each further one
 * @param tags a worker must have all of them to run the job
 * @param paused a paused job does not fire (manual runs still run)
 * @param runAs the account the command runs as; empty for the worker's own
 * @param limits resource limits of the command
 * @param http the HTTP call the worker makes instead of running a command, for an HTTP job
 * @param notifyRules its {@code notify} list: who is told of which run outcomes
 * @param sla a run not finished this long after its fire time is {@link NotifyEvent#LATE}
 * @param after the parents whose runs fire this job; with it the schedule may be {@link
 *     io.etcron.schedule.NoSchedule}
 * @param exclude days, in {@code timeZone}, on which its fires do not run (recorded SKIPPED)
 * @param broadcast {@code mode: broadcast}: each fire runs once on every live eligible worker, as
 *     one run per worker ({@code job@fire#index}); its concurrency is {@code allow}
 */
public record Job(
    JobName name,
    String description,
    String command,
    Map<String, String> env,
    Optional<String> workingDir,
    Schedule schedule,
    ZoneId timeZone,
    ConcurrencyPolicy concurrency,
    MisfirePolicy misfire,
    int maxCatchUp,
    Optional<Duration> startingDeadline,
    Optional<Duration> timeout,
    int retries,
    Duration retryBackoff,
    Set<String> tags,
    boolean paused,
    Optional<RunAs> runAs,
    Limits limits,
    Optional<HttpCall> http,
    List<NotifyRule> notifyRules,
    Optional<Duration> sla,
    Optional<After> after,
    Exclusions exclude,
    boolean broadcast) {

  public static final ZoneId DEFAULT_ZONE = ZoneId.of("UTC");
  public static final int DEFAULT_MAX_CATCH_UP = 10;
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(10);

  public Job {
    notifyRules = List.copyOf(notifyRules);
  }

  /**
   * Validates {@code spec}, collecting every error.
   *
   * @param now a schedule must have a fire after this instant
   * @throws InvalidJobException listing each invalid field
   */
  public static Job from(JobSpec spec, Instant now) {
    return new JobParser(spec, now).parse();
  }

  /** The job as a spec: {@code Job.from(job.toSpec(), now)} equals {@code job}. */
  public JobSpec toSpec() {
    return new JobSpec(
        name.value(),
        description.isEmpty() ? null : description,
        command.isEmpty() ? null : command,
        env.isEmpty() ? null : new TreeMap<>(env),
        workingDir.orElse(null),
        schedule.kind() == Schedule.Kind.NONE ? null : schedule.expression(),
        timeZone.getId(),
        concurrency.name().toLowerCase(),
        misfire.name().toLowerCase(),
        maxCatchUp,
        startingDeadline.map(Durations::format).orElse(null),
        timeout.map(Durations::format).orElse(null),
        retries,
        Durations.format(retryBackoff),
        tags.isEmpty() ? null : new ArrayList<>(new TreeSet<>(tags)),
        paused,
        runAs.map(RunAs::user).orElse(null),
        runAs.flatMap(RunAs::group).orElse(null),
        limits.isNone()
            ? null
            : new JobSpec.LimitsSpec(
                limits.cpuSeconds().orElse(null),
                limits.openFiles().orElse(null),
                limits.memoryBytes().map(Limits::formatSize).orElse(null)),
        http.map(Job::httpSpec).orElse(null),
        notifyRules.isEmpty() ? null : notifyRules.stream().map(Job::spec).toList(),
        sla.map(Durations::format).orElse(null),
        after
            .map(
                a ->
                    new JobSpec.AfterSpec(
                        a.jobs().stream().map(JobName::value).toList(), a.on().wire()))
            .orElse(null),
        exclude.isNone() ? null : exclude.wire(),
        broadcast ? "broadcast" : null);
  }

  private static JobSpec.NotifySpec spec(NotifyRule r) {
    List<String> on = r.on().stream().sorted().map(NotifyEvent::wire).toList();
    return r.channel() == NotifyRule.Channel.WEBHOOK
        ? new JobSpec.NotifySpec(on, r.target(), null)
        : new JobSpec.NotifySpec(on, null, r.target());
  }

  private static JobSpec.HttpSpec httpSpec(HttpCall c) {
    return new JobSpec.HttpSpec(
        c.url().toString(),
        c.method(),
        c.headers().isEmpty() ? null : new TreeMap<>(c.headers()),
        c.body().orElse(null),
        c.expectStatus().toSpec(),
        Durations.format(c.timeout()));
  }

  /** The same job, paused or not. */
  public Job withPaused(boolean p) {
    return new Job(
        name,
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
        p,
        runAs,
        limits,
        http,
        notifyRules,
        sla,
        after,
        exclude,
        broadcast);
  }
}
