package io.etcron.master.http;

import io.etcron.job.AfterCheck;
import io.etcron.job.FieldError;
import io.etcron.job.InvalidJobException;
import io.etcron.job.Job;
import io.etcron.job.JobName;
import io.etcron.job.JobSpec;
import io.etcron.job.JobStore;
import io.etcron.run.JobStats;
import io.etcron.run.Run;
import io.etcron.run.RunStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Handlers of the job list, {@code /api/v1/jobs} itself: a page of jobs, filtered by text, tag and
 * paused, each with its day's statistics and recent runs; and many jobs applied at once. Stateless
 * apart from the stores it reads and writes.
 *
 * @param jobs the jobs it lists and writes
 * @param runs the runs whose statistics and recent ones it shows
 * @param clock now, for the statistics' window, the next fires and checking a schedule fires again
 */
record JobListApi(JobStore jobs, RunStore runs, Clock clock) {
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
    JobStore.CountedPage counted =
        jobs.countedPage(
            after,
            limit,
            job ->
                (q.isEmpty() || matches(job, q))
                    && tag.map(job.tags()::contains).orElse(true)
                    && paused.map(p -> p == job.paused()).orElse(true));
    JobStore.JobPage page = counted.page();
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
            counted.total()));
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
      for (FieldError f : AfterCheck.check(j, n -> JobsApi.lookup(jobs, byName, n))) {
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
}
