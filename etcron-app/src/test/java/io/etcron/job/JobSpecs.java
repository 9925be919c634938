package io.etcron.job;

import java.time.Instant;
import java.util.List;

/** Job specs and jobs for tests: the fields a test names, every other one at its default. */
public final class JobSpecs {
  private String name;
  private String description;
  private String command;
  private java.util.Map<String, String> env;
  private String schedule;
  private String timeZone;
  private String concurrency;
  private String misfire;
  private Integer maxCatchUp;
  private String timeout;
  private Integer retries;
  private String retryBackoff;
  private List<String> tags;
  private String startingDeadline;
  private String user;
  private String group;
  private JobSpec.LimitsSpec limits;
  private JobSpec.HttpSpec http;
  private List<JobSpec.NotifySpec> notify;
  private String sla;
  private JobSpec.AfterSpec after;
  private List<String> exclude;
  private String mode;

  private JobSpecs(String name, String schedule, String command) {
    this.name = name;
    this.schedule = schedule;
    this.command = command;
  }

  /** A builder of a spec with {@code name}, {@code schedule} and {@code command}. */
  public static JobSpecs of(String name, String schedule, String command) {
    return new JobSpecs(name, schedule, command);
  }

  /** A spec with {@code name}, {@code schedule} and {@code command}; the rest default. */
  public static JobSpec spec(String name, String schedule, String command) {
    return of(name, schedule, command).build();
  }

  /** The valid job of {@link #spec}, as of now. */
  public static Job job(String name, String schedule, String command) {
    return Job.from(spec(name, schedule, command), Instant.now());
  }

  public JobSpecs description(String text) {
    this.description = text;
    return this;
  }

  public JobSpecs timeZone(String zone) {
    this.timeZone = zone;
    return this;
  }

  public JobSpecs concurrency(String policy) {
    this.concurrency = policy;
    return this;
  }

  public JobSpecs misfire(String policy) {
    this.misfire = policy;
    return this;
  }

  public JobSpecs maxCatchUp(Integer n) {
    this.maxCatchUp = n;
    return this;
  }

  public JobSpecs timeout(String duration) {
    this.timeout = duration;
    return this;
  }

  public JobSpecs retries(Integer n) {
    this.retries = n;
    return this;
  }

  public JobSpecs retryBackoff(String duration) {
    this.retryBackoff = duration;
    return this;
  }

  public JobSpecs tags(List<String> t) {
    this.tags = t;
    return this;
  }

  public JobSpecs startingDeadline(String duration) {
    this.startingDeadline = duration;
    return this;
  }

  /** Variables added to the command's environment. */
  public JobSpecs env(java.util.Map<String, String> vars) {
    this.env = vars;
    return this;
  }

  /** The user the command runs as. */
  public JobSpecs user(String name) {
    this.user = name;
    return this;
  }

  /** The group the command runs as. */
  public JobSpecs group(String name) {
    this.group = name;
    return this;
  }

  /** Resource limits. */
  public JobSpecs limits(Long cpuSeconds, Long openFiles, String memory) {
    this.limits = new JobSpec.LimitsSpec(cpuSeconds, openFiles, memory);
    return this;
  }

  /** An HTTP call instead of the command (give a null command for a valid job). */
  public JobSpecs http(JobSpec.HttpSpec call) {
    this.http = call;
    return this;
  }

  /** A spec of an HTTP job calling {@code call} with {@code name} and {@code schedule}. */
  public static JobSpecs http(String name, String schedule, JobSpec.HttpSpec call) {
    return of(name, schedule, null).http(call);
  }

  /** Notification targets. */
  public JobSpecs notify(List<JobSpec.NotifySpec> targets) {
    this.notify = targets;
    return this;
  }

  /** A webhook told of {@code on}. */
  public JobSpecs webhook(String url, String... on) {
    this.notify = List.of(new JobSpec.NotifySpec(List.of(on), url, null));
    return this;
  }

  /** How long after its fire a run counts as late. */
  public JobSpecs exclude(String... days) {
    this.exclude = List.of(days);
    return this;
  }

  public JobSpecs mode(String m) {
    this.mode = m;
    return this;
  }

  public JobSpecs after(String on, String... parents) {
    this.after = new JobSpec.AfterSpec(List.of(parents), on);
    return this;
  }

  public JobSpecs sla(String duration) {
    this.sla = duration;
    return this;
  }

  public JobSpec build() {
    return new JobSpec(
        name,
        description,
        command,
        env,
        null,
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
        null,
        user,
        group,
        limits,
        http,
        notify,
        sla,
        after,
        exclude,
        mode);
  }
}
