package io.etcron.master.http;

import io.etcron.job.JobName;
import io.etcron.run.OutputSlice;
import io.etcron.run.RunId;
import io.etcron.run.RunPage;
import io.etcron.run.RunQuery;
import io.etcron.run.RunStore;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Handlers of {@code /api/v1/runs}, the statistics and the live output stream. */
final class RunsApi {
  /** How often a live output stream looks for new output. */
  static final Duration POLL = Duration.ofMillis(300);

  /** Most jobs one statistics request may name. */
  static final int MAX_STATS_JOBS = 500;

  /** Deliveries one run shows at most: 7 events times 10 targets, and room. */
  static final int MAX_DELIVERIES = 100;

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
            .inStates(Params.states(ctx))
            .after(Optional.ofNullable(ctx.queryParam("cursor")).filter(c -> !c.isBlank()));
    Optional<JobName> job = Params.name(ctx, "job");
    if (job.isPresent()) {
      q = q.forJob(job.get().value());
    }
    Optional<JobName> worker = Params.name(ctx, "worker");
    if (worker.isPresent()) {
      q = q.ofWorker(worker.get().value());
    }
    RunPage page;
    try {
      page = runs.query(q);
    } catch (IllegalArgumentException e) {
      throw ApiError.BAD_REQUEST.at("cursor", "cursor: " + e.getMessage());
    }
    ctx.json(
        new Views.RunsPage(
            page.runs().stream().map(Views.RunView::of).toList(), page.nextCursor()));
  }

  void get(Context ctx) {
    RunId id = Params.runId(ctx);
    ctx.json(runs.get(id).map(Views.RunView::withOutput).orElseThrow(() -> missing(id)));
  }

  /** The deliveries of a run's notifications, oldest first (at most {@link #MAX_DELIVERIES}). */
  void notifications(Context ctx) {
    RunId id = Params.runId(ctx);
    if (runs.get(id).isEmpty()) {
      throw missing(id);
    }
    List<Views.DeliveryView> list =
        runs.outbox().map(o -> o.of(id, MAX_DELIVERIES)).orElse(List.of()).stream()
            .map(Views.DeliveryView::of)
            .toList();
    ctx.json(Map.of("notifications", list));
  }

  void output(Context ctx) {
    RunId id = Params.runId(ctx);
    long from = Params.number(ctx, "from", 0, 0, Long.MAX_VALUE);
    if (runs.get(id).isEmpty()) {
      throw missing(id);
    }
    ctx.json(runs.readOutput(id, from));
  }

  private static ApiException missing(RunId id) {
    return ApiError.NOT_FOUND.with("run " + id + " does not exist");
  }

  void stats(Context ctx) {
    List<String> jobs =
        Arrays.stream(Optional.ofNullable(ctx.queryParam("job")).orElse("").split(","))
            .filter(j -> !j.isBlank())
            .distinct()
            .toList();
    if (jobs.isEmpty()) {
      throw ApiError.BAD_REQUEST.at(
          "job", "job is required (one name or several, comma-separated)");
    }
    if (jobs.size() > MAX_STATS_JOBS) {
      throw ApiError.BAD_REQUEST.at("job", "job: at most " + MAX_STATS_JOBS + " names at once");
    }
    for (String j : jobs) {
      if (JobName.problem(j) != null) {
        throw ApiError.BAD_REQUEST.at("job", "job: " + JobName.problem(j));
      }
    }
    var since = Params.time(ctx, "since", clock).orElse(clock.instant().minus(Duration.ofDays(1)));
    Map<String, Views.StatsView> out = new HashMap<>();
    runs.stats(jobs, since).forEach((job, s) -> out.put(job, Views.StatsView.of(s)));
    ctx.json(out);
  }

  /**
   * Server-sent events of a run's output from {@code from} (or the {@code Last-Event-ID} a
   * reconnecting browser sends): {@code output} events carry {@code {offset, text}} as it is stored
   * (the worker stores it within a few hundred milliseconds) with the offset after them as the
   * event id, then one {@code end} event carrying the run when it has ended, and the stream closes.
   * A bad offset is a 400, an unknown run a 404 and a request without {@code Accept:
   * text/event-stream} a 406, before any event. Polls the store every {@link #POLL} per viewer.
   */
  void stream(Context ctx) throws Exception {
    RunId id = Params.runId(ctx);
    long from = Params.number(ctx, "from", 0, 0, Long.MAX_VALUE);
    String lastEventId = ctx.header("Last-Event-ID");
    if (lastEventId != null && lastEventId.matches("\\d{1,18}")) {
      from = Long.parseLong(lastEventId);
    }
    if (runs.get(id).isEmpty()) {
      throw missing(id);
    }
    if (!Optional.ofNullable(ctx.header("Accept")).orElse("").contains("text/event-stream")) {
      throw ApiError.NOT_ACCEPTABLE.at(
          "Accept",
          "this is an event stream: send Accept: text/event-stream, or read"
              + " /api/v1/runs/{id}/output?from=N instead");
    }
    long start = from;
    new SseHandler(client -> follow(client, id, start)).handle(ctx);
  }

  private void follow(SseClient client, RunId id, long from) {
    AtomicLong offset = new AtomicLong(from);
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
                      "output",
                      Map.of("offset", slice.offset(), "text", slice.text()),
                      Long.toString(slice.totalSize()));
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
}
