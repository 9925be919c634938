package io.etcron.job;

import io.etcron.schedule.Durations;
import io.etcron.schedule.Interner;
import io.etcron.schedule.InvalidScheduleException;
import io.etcron.schedule.NoSchedule;
import io.etcron.schedule.Schedule;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Validates a {@link JobSpec} field by field, collecting every error. Not thread-safe; use once.
 */
final class JobParser {
  static final int MAX_DESCRIPTION = 1_000;
  static final int MAX_COMMAND = 64 * 1024;
  static final int MAX_TAGS = 20;

  /** Zones already read: {@code ZoneId.of} builds new rules each time it is called. */
  private static final Interner<ZoneId> ZONES = new Interner<>(2_048);

  private final JobSpec spec;
  private final Instant now;
  private final List<FieldError> errors = new ArrayList<>();

  JobParser(JobSpec spec, Instant now) {
    this.spec = spec;
    this.now = now;
  }

  Job parse() {
    JobName name = name();
    String description = text("description", spec.description(), MAX_DESCRIPTION, true);
    String command = command();
    Map<String, String> env = env();
    Optional<String> workingDir = workingDir();
    ZoneId zone = zone();
    Optional<After> after = after();
    Schedule schedule = schedule(zone, after.isPresent());
    ConcurrencyPolicy concurrency =
        choice(
            "concurrency", spec.concurrency(), ConcurrencyPolicy.class, ConcurrencyPolicy.FORBID);
    MisfirePolicy misfire =
        choice("misfire", spec.misfire(), MisfirePolicy.class, MisfirePolicy.ONCE);
    int maxCatchUp = number("maxCatchUp", spec.maxCatchUp(), 1, 1000, Job.DEFAULT_MAX_CATCH_UP);
    Optional<Duration> startingDeadline =
        duration(
            "startingDeadline",
            spec.startingDeadline(),
            Duration.ofSeconds(1),
            Duration.ofDays(366));
    Optional<Duration> timeout =
        duration("timeout", spec.timeout(), Duration.ofSeconds(1), Duration.ofDays(30));
    Optional<HttpCall> http =
        spec.http() == null ? Optional.empty() : HttpCallParser.parse(spec.http(), timeout, errors);
    commandOnly();
    int retries = number("retries", spec.retries(), 0, 10, 0);
    Duration backoff =
        duration("retryBackoff", spec.retryBackoff(), Duration.ofSeconds(1), Duration.ofHours(1))
            .orElse(Job.DEFAULT_RETRY_BACKOFF);
    Set<String> tags = tags();
    Optional<RunAs> runAs = runAs();
    Limits limits = limits();
    List<NotifyRule> notify = NotifyRules.check(spec.notifyTargets(), errors);
    Optional<Duration> sla =
        duration("sla", spec.sla(), Duration.ofSeconds(1), Duration.ofDays(30));
    Exclusions exclude = Exclusions.parse(spec.exclude(), errors);
    boolean broadcast = broadcast();
    if (broadcast) {
      if (concurrency != null
          && concurrency != ConcurrencyPolicy.ALLOW
          && spec.concurrency() != null
          && !spec.concurrency().isEmpty()) {
        error(
            "concurrency",
            "a broadcast job runs one run on each worker at once; only allow is supported");
      }
      concurrency = ConcurrencyPolicy.ALLOW;
    }
    if (!errors.isEmpty()) {
      throw new InvalidJobException(errors);
    }
    return new Job(
        name,
        description,
        command,
        env,
        workingDir,
        schedule,
        zone,
        concurrency,
        misfire,
        maxCatchUp,
        startingDeadline,
        timeout,
        retries,
        backoff,
        tags,
        Boolean.TRUE.equals(spec.paused()),
        runAs,
        limits,
        http,
        notify,
        sla,
        after,
        exclude,
        broadcast);
  }

  private void error(String field, String message) {
    errors.add(new FieldError(field, field + ": " + message));
  }

  private JobName name() {
    String problem = JobName.problem(spec.name());
    if (problem != null) {
      error("name", problem);
      return null;
    }
    return new JobName(spec.name());
  }

  private String text(String field, String value, int max, boolean optional) {
    if (value == null || (optional && value.isEmpty())) {
      if (!optional) {
        error(field, "is required");
      }
      return "";
    }
    if (value.length() > max) {
      error(field, "is " + value.length() + " characters long; at most " + max + " are allowed");
    } else if (value.indexOf('\0') >= 0) {
      error(field, "must not contain NUL characters");
    }
    return value;
  }

  /** The command; empty for an HTTP job, which must have no command. */
  private String command() {
    boolean none = spec.command() == null || spec.command().isBlank();
    if (spec.http() != null) {
      if (spec.command() != null && !spec.command().isEmpty()) { // empty: absent, as elsewhere
        error("command", "and http are both given: a job runs a command or makes an HTTP call");
      }
      return "";
    }
    if (none) {
      error(
          "command",
          "is required, e.g. \"echo hello\" (run by /bin/sh -c), unless the job has an http call"
              + " instead");
      return "";
    }
    return text("command", spec.command(), MAX_COMMAND, false);
  }

  /** An HTTP job has no process: the fields that shape one are refused rather than ignored. */
  private void commandOnly() {
    if (spec.http() == null) {
      return;
    }
    String why = "applies to commands only; an HTTP job runs no process";
    if (spec.env() != null && !spec.env().isEmpty()) {
      error("env", why);
    }
    if (spec.workingDir() != null && !spec.workingDir().isEmpty()) {
      error("workingDir", why);
    }
    if (spec.user() != null && !spec.user().isEmpty()) {
      error("user", why);
    }
    if (spec.limits() != null) {
      error("limits", why);
    }
  }

  private Map<String, String> env() {
    return EnvVars.check(spec.env(), "env", k -> "env", errors);
  }

  private Optional<String> workingDir() {
    String dir = spec.workingDir();
    if (dir == null || dir.isEmpty()) {
      return Optional.empty();
    }
    if (!dir.startsWith("/")
        || dir.length() > 4096
        || dir.chars().anyMatch(Character::isISOControl)) {
      error("workingDir", "\"" + dir + "\" must be an absolute path without control characters");
      return Optional.empty();
    }
    return Optional.of(dir);
  }

  private ZoneId zone() {
    String z = spec.timeZone();
    if (z == null || z.isEmpty()) {
      return Job.DEFAULT_ZONE;
    }
    try {
      return ZONES.get(z, ZoneId::of);
    } catch (DateTimeException e) {
      error("timeZone", "\"" + z + "\" is not an IANA time zone such as Europe/Berlin or UTC");
      return Job.DEFAULT_ZONE;
    }
  }

  /**
   * The {@code after} field: parents by valid names, without repeats or the job itself. Whether
   * they exist and form no cycle is for the API to check against the stored jobs.
   */
  private Optional<After> after() {
    JobSpec.AfterSpec a = spec.after();
    if (a == null) {
      return Optional.empty();
    }
    int before = errors.size();
    List<JobName> parents = new ArrayList<>();
    if (a.jobs() == null || a.jobs().isEmpty()) {
      afterError(
          "after.jobs", "needs at least one parent job, e.g. {jobs: [extract], on: success}");
    } else if (a.jobs().size() > After.MAX_PARENTS) {
      afterError(
          "after.jobs",
          "has " + a.jobs().size() + " parents; at most " + After.MAX_PARENTS + " are allowed");
    } else {
      Set<String> seen = new LinkedHashSet<>();
      for (int i = 0; i < a.jobs().size(); i++) {
        String at = "after.jobs[" + i + "]";
        String parent = a.jobs().get(i);
        String problem = JobName.problem(parent);
        if (problem != null) {
          afterError(at, problem);
        } else if (parent.equals(spec.name())) {
          afterError(at, "is the job itself; a job cannot run after its own runs");
        } else if (!seen.add(parent)) {
          afterError(at, "\"" + parent + "\" is listed twice");
        } else {
          parents.add(new JobName(parent));
        }
      }
    }
    After.On on = After.On.SUCCESS;
    if (a.on() != null && !a.on().isEmpty()) {
      on = null;
      for (After.On o : After.On.values()) {
        if (o.wire().equals(a.on().toLowerCase(Locale.ROOT))) {
          on = o;
        }
      }
      if (on == null) {
        afterError(
            "after.on",
            "\"" + a.on() + "\" is not one of success, failure, always (default success)");
      }
    }
    return errors.size() > before ? Optional.empty() : Optional.of(new After(parents, on));
  }

  /** {@code mode}: {@code single} (default) or {@code broadcast}. */
  private boolean broadcast() {
    String mode = spec.mode();
    if (mode == null || mode.isEmpty() || mode.equalsIgnoreCase("single")) {
      return false;
    }
    if (mode.equalsIgnoreCase("broadcast")) {
      return true;
    }
    error("mode", "\"" + mode + "\" is not one of single (default), broadcast");
    return false;
  }

  private void afterError(String where, String message) {
    errors.add(new FieldError("after", where + ": " + message));
  }

  private Schedule schedule(ZoneId zone, boolean hasParents) {
    if (spec.schedule() == null || spec.schedule().isBlank()) {
      if (hasParents) {
        return NoSchedule.INSTANCE;
      }
      error(
          "schedule",
          "is required (unless the job has parents in after), e.g. \"0 */5 * * * *\", \"@every"
              + " 30s\" or \"@daily\"");
      return null;
    }
    if (spec.schedule().length() > 512) {
      error("schedule", "is too long (at most 512 characters)");
      return null;
    }
    try {
      Schedule s = Schedule.parse(spec.schedule());
      if (s.next(now, zone).isEmpty()) {
        error(
            "schedule",
            "\""
                + spec.schedule()
                + "\" "
                + (s.kind() == Schedule.Kind.AT ? "is in the past" : "never fires")
                + ": a job needs a future fire");
      }
      return s;
    } catch (InvalidScheduleException e) {
      error("schedule", e.getMessage());
      return null;
    } catch (RuntimeException e) {
      error("schedule", "\"" + spec.schedule() + "\" cannot be computed: " + e.getMessage());
      return null;
    }
  }

  private <E extends Enum<E>> E choice(String field, String value, Class<E> type, E otherwise) {
    if (value == null || value.isEmpty()) {
      return otherwise;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(e.name().toLowerCase(Locale.ROOT));
    }
    error(field, "\"" + value + "\" is not one of " + String.join(", ", allowed));
    return otherwise;
  }

  private int number(String field, Integer value, int min, int max, int otherwise) {
    if (value == null) {
      return otherwise;
    }
    if (value < min || value > max) {
      error(field, value + " is out of range " + min + "-" + max);
      return otherwise;
    }
    return value;
  }

  private Optional<Duration> duration(String field, String value, Duration min, Duration max) {
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    try {
      Duration d = Durations.parse(value);
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        error(
            field,
            Durations.format(d)
                + " is out of range "
                + Durations.format(min)
                + "-"
                + Durations.format(max));
        return Optional.empty();
      }
      return Optional.of(d);
    } catch (IllegalArgumentException e) {
      error(field, e.getMessage());
      return Optional.empty();
    }
  }

  private Set<String> tags() {
    if (spec.tags() == null) {
      return Set.of();
    }
    if (spec.tags().size() > MAX_TAGS) {
      error("tags", "has " + spec.tags().size() + " tags; at most " + MAX_TAGS + " are allowed");
      return Set.of();
    }
    Set<String> tags = new LinkedHashSet<>();
    Function<String, String> problem = JobName::problem;
    for (String t : spec.tags()) {
      String p = problem.apply(t);
      if (p != null) {
        error("tags", "tag " + p);
      } else {
        tags.add(t);
      }
    }
    return Set.copyOf(tags);
  }

  private Optional<RunAs> runAs() {
    String user = spec.user();
    String group = spec.group();
    boolean noUser = user == null || user.isEmpty();
    if (group != null && !group.isEmpty()) {
      String problem = RunAs.problem(group);
      if (problem != null) {
        error("group", problem);
      } else if (noUser) {
        error("group", "needs a user: set user too (the group is the one the user runs with)");
      }
    }
    if (noUser) {
      return Optional.empty();
    }
    String problem = RunAs.problem(user);
    if (problem != null) {
      error("user", problem);
      return Optional.empty();
    }
    Optional<String> g = Optional.ofNullable(group).filter(x -> !x.isEmpty());
    return g.isPresent() && RunAs.problem(g.get()) != null
        ? Optional.empty()
        : Optional.of(new RunAs(user, g));
  }

  private Limits limits() {
    JobSpec.LimitsSpec l = spec.limits();
    if (l == null) {
      return Limits.NONE;
    }
    Optional<Long> cpu = whole("limits", "cpuSeconds", l.cpuSeconds(), Limits.MAX_CPU_SECONDS);
    Optional<Long> files = whole("limits", "openFiles", l.openFiles(), Limits.MAX_OPEN_FILES);
    Optional<Long> memory = Optional.empty();
    if (l.memory() != null && !l.memory().isEmpty()) {
      try {
        long bytes = Limits.parseSize(l.memory());
        if (bytes < Limits.MIN_MEMORY || bytes > Limits.MAX_MEMORY) {
          error(
              "limits",
              "memory "
                  + l.memory()
                  + " is out of range "
                  + Limits.formatSize(Limits.MIN_MEMORY)
                  + "-"
                  + Limits.formatSize(Limits.MAX_MEMORY));
        } else {
          memory = Optional.of(bytes);
        }
      } catch (IllegalArgumentException e) {
        error("limits", "memory " + e.getMessage());
      }
    }
    return new Limits(cpu, files, memory);
  }

  private Optional<Long> whole(String field, String key, Long value, long max) {
    if (value == null) {
      return Optional.empty();
    }
    if (value < 1 || value > max) {
      error(field, key + " " + value + " is out of range 1-" + max);
      return Optional.empty();
    }
    return Optional.of(value);
  }
}
