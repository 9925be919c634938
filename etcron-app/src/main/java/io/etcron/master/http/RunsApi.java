package io.etcron.master.http;

import io.etcron.run.JobStats;
import io.etcron.run.OutputSlice;
import io.etcron.run.RunId;
import io.etcron.run.RunPage;
import io.etcron.run.RunQuery;
import io.etcron.run.RunState;
import io.etcron.run.RunStore;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Handlers of {@code /api/v1/runs}, the statistics and the live output stream. */
final class RunsApi {
  /** How often a live output stream looks for new output. */
  static final Duration POLL = Duration.ofMillis(300);

  private final RunStore runs;
  private final Clock clock;
  private final ScheduledExecutorService followers;

  RunsApi(RunStore runs, Clock clock, ScheduledExecutorService followers) {
    this.runs = runs;
    this.clock = clock;
    this.followers = followers;
  }

  void list(Context ctx) {
    RunQuery q =
        RunQuery.all()
            .limit(Params.intParam(ctx, "limit", RunQuery.DEFAULT_LIMIT, 1, RunQuery.MAX_LIMIT))
            .between(Params.time(ctx, "since", clock), Params.time(ctx, "until", clock))
            .inStates(states(ctx.queryParam("state")))
            .after(Optional.ofNullable(ctx.queryParam("cursor")).filter(c -> !c.isBlank()));
    String job = ctx.queryParam("job");
    if (job != null && !job.isBlank()) {
      q = q.forJob(job);
    }
    String worker = ctx.queryParam("worker");
    if (worker != null && !worker.isBlank()) {
      q = q.ofWorker(worker);
    }
    try {
      RunPage page = runs.query(q);
      ctx.json(
          new Views.RunsPage(
              page.runs().stream().map(Views.RunView::of).toList(), page.nextCursor()));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage(), "cursor");
    }
  }

  static Set<RunState> states(String param) {
    if (param == null || param.isBlank()) {
      return Set.of();
    }
    Set<RunState> states = new LinkedHashSet<>();
    for (String s : param.split(",")) {
      try {
        states.add(RunState.valueOf(s.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(
            "state \""
                + s.trim()
                + "\" is not one of "
                + Arrays.toString(RunState.values()).toLowerCase(Locale.ROOT),
            "state");
      }
    }
    return states;
  }

  void get(Context ctx) {
    RunId id = runId(ctx);
    ctx.json(
        runs.get(id)
            .map(Views.RunView::withOutput)
            .orElseThrow(() -> ApiException.notFound("run " + id + " does not exist")));
  }

  void output(Context ctx) {
    RunId id = runId(ctx);
    long from = Params.intParam(ctx, "from", 0, 0, Integer.MAX_VALUE);
    if (runs.get(id).isEmpty()) {
      throw ApiException.notFound("run " + id + " does not exist");
    }
    ctx.json(runs.readOutput(id, from));
  }

  void stats(Context ctx) {
    List<String> jobs =
        Optional.ofNullable(ctx.queryParam("job"))
            .map(j -> List.of(j.split(",")))
            .orElse(List.of());
    if (jobs.isEmpty()) {
      throw ApiException.badRequest(
          "job is required (one name or several, comma-separated)", "job");
    }
    var since = Params.time(ctx, "since", clock).orElse(clock.instant().minus(Duration.ofDays(1)));
    Map<String, Views.StatsView> out = new HashMap<>();
    runs.stats(jobs, since).forEach((job, s) -> out.put(job, Views.StatsView.of(s)));
    ctx.json(out);
  }

  /**
   * Server-sent events of a run's output: {@code output} events carry {@code {offset, text}} as it
   * is stored (the worker stores it within a few hundred milliseconds), then one {@code end} event
   * carrying the run when it has ended. Polls the store every {@link #POLL} per viewer.
   */
  void stream(SseClient client) {
    Context ctx = client.ctx();
    RunId id;
    try {
      id = RunId.parse(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      client.sendEvent("error", Map.of("error", "bad_request", "message", e.getMessage()));
      client.close();
      return;
    }
    AtomicLong offset =
        new AtomicLong(Optional.ofNullable(ctx.queryParam("from")).map(Long::parseLong).orElse(0L));
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    client.keepAlive();
    client.onClose(() -> Optional.ofNullable(task.get()).ifPresent(t -> t.cancel(false)));
    task.set(
        followers.scheduleWithFixedDelay(
            () -> {
              try {
                OutputSlice slice = runs.readOutput(id, offset.get());
                if (!slice.text().isEmpty()) {
                  client.sendEvent(
                      "output", Map.of("offset", slice.offset(), "text", slice.text()));
                }
                offset.set(slice.totalSize());
                if (slice.finished()) {
                  runs.get(id).ifPresent(r -> client.sendEvent("end", Views.RunView.of(r)));
                  client.close();
                  task.get().cancel(false);
                }
              } catch (RuntimeException e) {
                client.sendComment("store unavailable, retrying");
              }
            },
            0,
            POLL.toMillis(),
            TimeUnit.MILLISECONDS));
  }

  private static RunId runId(Context ctx) {
    try {
      return RunId.parse(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage(), "id");
    }
  }

  static JobStats none(String job) {
    return JobStats.empty(job);
  }
}
