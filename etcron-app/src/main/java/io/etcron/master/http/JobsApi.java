package io.etcron.master.http;

import io.etcron.job.After;
import io.etcron.job.AfterCheck;
import io.etcron.job.EnvVars;
import io.etcron.job.Exclusions;
import io.etcron.job.FieldError;
import io.etcron.job.InvalidJobException;
import io.etcron.job.Job;
import io.etcron.job.JobName;
import io.etcron.job.JobNotFoundException;
import io.etcron.job.JobSpec;
import io.etcron.job.JobStore;
import io.etcron.run.JobStats;
import io.etcron.run.Run;
import io.etcron.run.RunStore;
import io.etcron.schedule.Fires;
import io.etcron.schedule.InvalidScheduleException;
import io.etcron.schedule.Schedule;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Handlers of {@code /api/v1/jobs} and the schedule preview. */
final class JobsApi {
  private final JobStore jobs;
  private final RunStore runs;
  private final Clock clock;

  JobsApi(JobStore jobs, RunStore runs, Clock clock) {
    this.jobs = jobs;
    this.runs = runs;
    this.clock = clock;
  }

  /** Jobs a page by default, and at most. */
  static final int DEFAULT_LIMIT = 100;

  static final int MAX_LIMIT = 1_000;

  void list(Context ctx) {
    String q = Optional.ofNullable(ctx.queryParam("q")).orElse("").toLowerCase(Locale.ROOT);
    int limit = Params.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    Optional<JobName> after = Params.name(ctx, "cursor");
    Optional<String> tag = Optional.ofNullable(ctx.queryParam("tag")).filter(t -> !t.isBlank());
    Optional<Boolean> paused = Params.bool(ctx, "paused");
    Instant now = clock.instant();
    long total = jobs.count();
    JobStore.JobPage page =
        jobs.page(
            after,
            limit,
            job ->
                (q.isEmpty() || matches(job, q))
                    && tag.map(job.tags()::contains).orElse(true)
                    && paused.map(p -> p == job.paused()).orElse(true));
    List<String> names = page.jobs().stream().map(v -> v.job().name().value()).toList();
    Map<String, JobStats> stats = runs.stats(names, now.minus(Duration.ofDays(1)));
    Map<String, List<Run>> recent = runs.recent(names, 20);
    ctx.json(
        new Views.JobsPage(
            page.jobs().stream()
                .map(
                    v -> {
                      String n = v.job().name().value();
                      return Views.JobView.of(v, now, 1)
                          .with(
                              Views.StatsView.of(stats.getOrDefault(n, JobStats.empty(n))),
                              recent.getOrDefault(n, List.of()).stream()
                                  .map(Views.RecentRun::of)
                                  .toList());
                    })
                .toList(),
            page.next().map(JobName::value),
            total));
  }

  private static boolean matches(Job job, String q) {
    return job.name().value().toLowerCase(Locale.ROOT).contains(q)
        || job.description().toLowerCase(Locale.ROOT).contains(q)
        || job.command().toLowerCase(Locale.ROOT).contains(q)
        || job.http()
            .map(c -> c.url().toString().toLowerCase(Locale.ROOT).contains(q))
            .orElse(false)
        || job.tags().stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).contains(q));
  }

  /** Jobs one {@code POST /api/v1/jobs} may apply at most. */
  static final int MAX_APPLY = 500;

  /** The body of {@code POST /api/v1/jobs}. */
  record ApplyBody(List<JobSpec> jobs) {}

  /** One job's result in the answer of {@code POST /api/v1/jobs}. */
  record AppliedView(String job, String result, long version) {}

  /**
   * Creates or replaces many jobs at once. Every job is checked first: if any is invalid, nothing
   * is written and the answer names each invalid field as {@code jobs[i].field}.
   */
  void apply(Context ctx) {
    ApplyBody body = Bodies.read(ctx, ApplyBody.class);
    if (body.jobs() == null || body.jobs().isEmpty()) {
      throw ApiError.BAD_REQUEST.at("jobs", "jobs: give at least one job");
    }
    if (body.jobs().size() > MAX_APPLY) {
      throw ApiError.BAD_REQUEST.at(
          "jobs", "jobs: at most " + MAX_APPLY + " jobs a request, not " + body.jobs().size());
    }
    Instant now = clock.instant();
    List<Job> valid = new ArrayList<>();
    List<FieldError> errors = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < body.jobs().size(); i++) {
      String at = "jobs[" + i + "]";
      JobSpec spec = body.jobs().get(i);
      if (spec == null) {
        errors.add(new FieldError(at, at + ": must be a job, not null"));
        continue;
      }
      String who = spec.name() == null ? at : "job \"" + spec.name() + "\" (" + at + ")";
      if (spec.name() == null) {
        errors.add(new FieldError(at + ".name", at + ".name: required"));
        continue;
      }
      Integer before = seen.putIfAbsent(spec.name(), i);
      if (before != null) {
        errors.add(
            new FieldError(at + ".name", who + ": name: also given as jobs[" + before + "]"));
        continue;
      }
      try {
        valid.add(Job.from(spec, now));
      } catch (InvalidJobException e) {
        e.errors()
            .forEach(
                f -> errors.add(new FieldError(at + "." + f.field(), who + ": " + f.message())));
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError(at, who + ": " + e.getMessage()));
      }
    }
    Map<String, Job> byName = new HashMap<>();
    valid.forEach(j -> byName.put(j.name().value(), j));
    for (Job j : valid) {
      int i = seen.get(j.name().value());
      String at = "jobs[" + i + "]";
      for (FieldError f : AfterCheck.check(j, n -> lookup(byName, n))) {
        errors.add(
            new FieldError(
                at + "." + f.field(),
                "job \"" + j.name().value() + "\" (" + at + "): " + f.message()));
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidJobException(errors);
    }
    List<AppliedView> results =
        jobs.apply(valid, Auth.actor(ctx)).stream()
            .map(
                a ->
                    new AppliedView(
                        a.job().job().name().value(), a.outcome().word(), a.job().version()))
            .toList();
    ctx.json(Map.of("results", results));
  }

  /** A job as it will be: one of the same request, else the stored one. */
  private Optional<Job> lookup(Map<String, Job> pending, String name) {
    Job p = pending.get(name);
    if (p != null) {
      return Optional.of(p);
    }
    String problem = JobName.problem(name);
    return problem != null
        ? Optional.empty()
        : jobs.get(new JobName(name)).map(JobStore.Versioned::job);
  }

  /** Jobs one graph answer shows at most. */
  static final int MAX_GRAPH_NODES = 200;

  record GraphNode(String name, boolean exists, Boolean paused, String schedule) {}

  record GraphEdge(String from, String to, String on) {}

  record GraphView(String job, List<GraphNode> nodes, List<GraphEdge> edges, boolean truncated) {}

  /**
   * {@code GET /api/v1/jobs/{name}/graph}: the job's ancestors and descendants along {@code after}
   * edges, up to {@link After#MAX_DEPTH} jobs each way. Children are found by reading the jobs that
   * have parents, in pages.
   */
  void graph(Context ctx) {
    JobName name = Params.jobName(ctx);
    Job root = jobs.get(name).orElseThrow(() -> new JobNotFoundException(name.value())).job();
    Map<String, Job> dependent = new HashMap<>();
    Map<String, List<String>> children = new TreeMap<>();
    Optional<JobName> from = Optional.empty();
    do {
      JobStore.JobPage page = jobs.page(from, 1_000, j -> j.after().isPresent());
      for (JobStore.Versioned v : page.jobs()) {
        Job j = v.job();
        dependent.put(j.name().value(), j);
        j.after()
            .get()
            .jobs()
            .forEach(
                p ->
                    children
                        .computeIfAbsent(p.value(), k -> new ArrayList<>())
                        .add(j.name().value()));
      }
      from = page.next();
    } while (from.isPresent());
    Map<String, Optional<Job>> nodes = new LinkedHashMap<>();
    Set<GraphEdge> edges = new LinkedHashSet<>();
    nodes.put(root.name().value(), Optional.of(root));
    boolean truncated = false;
    // Up: parents of parents.
    List<Job> level = List.of(root);
    for (int d = 1; d < After.MAX_DEPTH && !level.isEmpty(); d++) {
      List<Job> next = new ArrayList<>();
      for (Job j : level) {
        if (j.after().isEmpty()) {
          continue;
        }
        for (JobName p : j.after().get().jobs()) {
          edges.add(new GraphEdge(p.value(), j.name().value(), j.after().get().on().wire()));
          if (!nodes.containsKey(p.value())) {
            if (nodes.size() >= MAX_GRAPH_NODES) {
              truncated = true;
              continue;
            }
            Optional<Job> pj =
                Optional.ofNullable(dependent.get(p.value()))
                    .or(() -> jobs.get(p).map(JobStore.Versioned::job));
            nodes.put(p.value(), pj);
            pj.ifPresent(next::add);
          }
        }
      }
      level = next;
    }
    // Down: children of children.
    List<String> down = List.of(root.name().value());
    for (int d = 1; d < After.MAX_DEPTH && !down.isEmpty(); d++) {
      List<String> next = new ArrayList<>();
      for (String parent : down) {
        for (String c : children.getOrDefault(parent, List.of())) {
          Job cj = dependent.get(c);
          edges.add(new GraphEdge(parent, c, cj.after().get().on().wire()));
          if (!nodes.containsKey(c)) {
            if (nodes.size() >= MAX_GRAPH_NODES) {
              truncated = true;
              continue;
            }
            nodes.put(c, Optional.of(cj));
            next.add(c);
          }
        }
      }
      down = next;
    }
    List<GraphNode> shown =
        nodes.entrySet().stream()
            .map(
                e ->
                    new GraphNode(
                        e.getKey(),
                        e.getValue().isPresent(),
                        e.getValue().map(Job::paused).orElse(null),
                        e.getValue().map(j -> j.schedule().describe()).orElse(null)))
            .toList();
    List<GraphEdge> kept =
        edges.stream()
            .filter(e -> nodes.containsKey(e.from()) && nodes.containsKey(e.to()))
            .toList();
    ctx.json(new GraphView(root.name().value(), shown, kept, truncated));
  }

  void get(Context ctx) {
    JobName name = Params.jobName(ctx);
    JobStore.Versioned v = jobs.get(name).orElseThrow(() -> new JobNotFoundException(name.value()));
    ctx.header("ETag", Params.etag(v.version()));
    ctx.json(Views.JobView.of(v, clock.instant(), 5));
  }

  void put(Context ctx) {
    JobName name = Params.jobName(ctx);
    long expected = Params.expectedVersion(ctx);
    JobSpec spec = Bodies.read(ctx, JobSpec.class);
    if (spec.name() != null && !spec.name().equals(name.value())) {
      throw ApiError.BAD_REQUEST.at(
          "name",
          "name: \"" + spec.name() + "\" does not match the URL's name \"" + name.value() + "\"");
    }
    Job job = Job.from(spec.withName(name.value()), clock.instant());
    List<FieldError> graph = AfterCheck.check(job, n -> lookup(Map.of(), n));
    if (!graph.isEmpty()) {
      throw new InvalidJobException(graph);
    }
    JobStore.PutResult result = jobs.put(job, expected, Auth.actor(ctx));
    ctx.status(result.created() ? 201 : 200);
    ctx.header("ETag", Params.etag(result.job().version()));
    ctx.json(Views.JobView.of(result.job(), clock.instant(), 5));
  }

  void delete(Context ctx) {
    jobs.delete(Params.jobName(ctx), Params.expectedVersion(ctx), Auth.actor(ctx));
    ctx.status(204);
  }

  void pause(Context ctx) {
    paused(ctx, true);
  }

  void resume(Context ctx) {
    paused(ctx, false);
  }

  private void paused(Context ctx, boolean paused) {
    JobStore.Versioned v =
        jobs.setPaused(Params.jobName(ctx), paused, Params.expectedVersion(ctx), Auth.actor(ctx));
    ctx.header("ETag", Params.etag(v.version()));
    ctx.json(Views.JobView.of(v, clock.instant(), 5));
  }

  /**
   * The body of a trigger, optional: {@code {"env": {...}}}, the run's parameters.
   *
   * @param env variables added to the run's environment, validated like a job's {@code env}
   */
  record TriggerBody(Map<String, String> env) {}

  /** {@code POST /api/v1/jobs/{name}/trigger}, with no body or a {@link TriggerBody}. */
  void trigger(Context ctx) {
    JobName name = Params.jobName(ctx);
    Map<String, String> params = Map.of();
    if (ctx.bodyAsBytes().length > 0) {
      params = EnvVars.parameters(Bodies.read(ctx, TriggerBody.class).env());
    }
    if (!params.isEmpty() && jobs.get(name).map(v -> v.job().http().isPresent()).orElse(false)) {
      throw new InvalidJobException(
          List.of(
              new FieldError(
                  "env", "env: an HTTP job runs no process: its runs take no parameters")));
    }
    String runId = jobs.trigger(name, params, Auth.actor(ctx));
    ctx.status(202).json(Map.of("runId", runId));
  }

  void kill(Context ctx) {
    JobName name = Params.jobName(ctx);
    jobs.kill(name, Auth.actor(ctx));
    ctx.status(202).json(Map.of("job", name.value(), "message", "kill requested"));
  }

  void next(Context ctx) {
    JobName name = Params.jobName(ctx);
    JobStore.Versioned v = jobs.get(name).orElseThrow(() -> new JobNotFoundException(name.value()));
    int n = Params.intParam(ctx, "n", 5, 1, Fires.MAX_PREVIEW);
    ctx.json(preview(v.job().schedule(), v.job().timeZone(), v.job().exclude(), n));
  }

  /**
   * {@code GET /api/v1/schedule/preview?schedule=...&timeZone=...&n=5}: for the UI as one types.
   */
  void previewDraft(Context ctx) {
    String expr = ctx.queryParam("schedule");
    if (expr == null || expr.isBlank()) {
      throw ApiError.BAD_REQUEST.at("schedule", "schedule: is required");
    }
    String zoneId =
        Optional.ofNullable(ctx.queryParam("timeZone")).filter(z -> !z.isBlank()).orElse("UTC");
    ZoneId zone;
    try {
      zone = ZoneId.of(zoneId);
    } catch (DateTimeException e) {
      throw ApiError.INVALID_SCHEDULE.at(
          "timeZone",
          "timeZone: \"" + zoneId + "\" is not an IANA time zone such as Europe/Berlin or UTC");
    }
    Schedule schedule;
    try {
      schedule = Schedule.parse(expr);
    } catch (InvalidScheduleException e) {
      throw ApiError.INVALID_SCHEDULE.at("schedule", "schedule: " + e.getMessage());
    }
    String exclude = ctx.queryParam("exclude");
    Exclusions days = Exclusions.NONE;
    if (exclude != null && !exclude.isBlank()) {
      List<FieldError> errors = new ArrayList<>();
      days = Exclusions.parse(List.of(exclude.split(",")), errors);
      if (!errors.isEmpty()) {
        throw ApiError.BAD_REQUEST.at("exclude", errors.get(0).message());
      }
    }
    ctx.json(preview(schedule, zone, days, Params.intParam(ctx, "n", 5, 1, Fires.MAX_PREVIEW)));
  }

  /** The next {@code n} fires that run, and those before them that excluded days skip. */
  private Views.Preview preview(Schedule s, ZoneId zone, Exclusions days, int n) {
    List<Instant> excluded = new ArrayList<>();
    List<Instant> fires =
        Fires.nextN(s, zone, clock.instant(), n, t -> days.reason(t, zone).isEmpty(), excluded);
    DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");
    return new Views.Preview(
        s.expression(),
        s.describe(),
        zone.getId(),
        fires,
        fires.stream().map(i -> f.format(i.atZone(zone))).toList(),
        excluded);
  }
}
