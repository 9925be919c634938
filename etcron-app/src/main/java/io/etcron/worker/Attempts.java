package io.etcron.worker;

import io.etcron.execute.Execution;
import io.etcron.execute.ExecutionRequest;
import io.etcron.execute.ExecutionResult;
import io.etcron.execute.Executor;
import io.etcron.job.HttpCall;
import io.etcron.job.Job;
import io.etcron.run.Run;
import io.etcron.run.RunState;
import io.etcron.store.KillRequest;
import io.etcron.worker.record.RunRecorder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attempts of one run: starts each (at its fire time, or after a retry's backoff) unless the
 * run must not start any more, executes it under the run's lease with its timeout, records every
 * step, and completes the run's future with its stored end. Used by {@link Runs}; thread-safe.
 */
final class Attempts {
  private static final Logger log = LoggerFactory.getLogger(Attempts.class);

  /** The longest pause between retries. */
  private static final Duration MAX_BACKOFF = Duration.ofHours(1);

  /** Linux's signal for a CPU time rlimit used up. */
  private static final int SIGXCPU = 24;

  /** The latest kill request of a job and its mod revision. */
  record KillMark(KillRequest request, long revision) {}

  private final String worker;
  private final JobExecutors executors;
  private final RunRecorder sink;
  private final WorkerMetrics metrics;
  private final Clock clock;
  private final Duration killGrace;
  private final ScheduledExecutorService timers;
  private final Function<String, KillMark> kills;
  private final Function<Run, CompletableFuture<?>> beforeEnd;

  /**
   * @param beforeEnd what must be written before a started run's end is stored (the requests of the
   *     children its end fires); its future completes when written
   */
  Attempts(
      String worker,
      JobExecutors executors,
      RunRecorder sink,
      WorkerMetrics metrics,
      Clock clock,
      Duration killGrace,
      ScheduledExecutorService timers,
      Function<String, KillMark> kills,
      Function<Run, CompletableFuture<?>> beforeEnd) {
    this.worker = worker;
    this.beforeEnd = beforeEnd;
    this.executors = executors;
    this.sink = sink;
    this.metrics = metrics;
    this.clock = clock;
    this.killGrace = killGrace;
    this.timers = timers;
    this.kills = kills;
  }

  /**
   * Starts {@code attempt} of {@code run} after {@code delay} (at once if not positive), completing
   * {@code ended} with the run's stored end. A run killed while it waits ends without starting.
   */
  void startAt(
      ActiveRun run,
      int attempt,
      Duration delay,
      CompletableFuture<Run> ended,
      CompletableFuture<Void> firstRecorded) {
    if (delay.isNegative() || delay.isZero()) {
      attempt(run, attempt, ended, firstRecorded);
      return;
    }
    Runnable go = () -> attempt(run, attempt, ended, firstRecorded);
    ScheduledFuture<?> start = timers.schedule(go, delay.toNanos(), TimeUnit.NANOSECONDS);
    if (!run.waiting(start, go) && start.cancel(false)) {
      go.run(); // killed meanwhile: ends without starting
    }
  }

  /**
   * Attempt {@code attempt} of {@code run}, unless it must not start (killed, its session ended, a
   * kill request covers it): then the run ends without running its command. On failure with retries
   * left, the next attempt starts after a backoff. Completes {@code ended} with the stored end, and
   * {@code firstRecorded} (if given) once this attempt's first record is stored.
   */
  private void attempt(
      ActiveRun run,
      int attempt,
      CompletableFuture<Run> ended,
      CompletableFuture<Void> firstRecorded) {
    Job job = run.fire.job();
    Instant started = clock.instant();
    Optional<String> refusal = run.refusal().or(() -> killRequested(run));
    if (refusal.isPresent()) {
      Run end =
          Run.notStarted(
                  run.refusedAs(),
                  run.fire.runId(),
                  worker,
                  run.fencingToken,
                  attempt,
                  refusal.get(),
                  started)
              .withParams(run.fire.params());
      CompletableFuture<Void> stored = sink.durable(end);
      if (firstRecorded != null) {
        stored.thenRun(() -> firstRecorded.complete(null));
      }
      metrics.runEnded(job.name().value(), end.state(), Duration.ZERO);
      logRun("run ended", end);
      stored.whenComplete((v, e) -> complete(ended, end, e));
      return;
    }
    Run running =
        Run.running(run.fire.runId(), worker, run.fencingToken, attempt, started)
            .withParams(run.fire.params());
    if (firstRecorded != null) {
      sink.durable(running).thenRun(() -> firstRecorded.complete(null));
    } else {
      sink.submit(running);
    }
    if (attempt == 1) {
      metrics.lateness(Duration.between(run.fire.time(), started));
      logRun("run started", running);
    }
    Executor executor = executors.of(job);
    Execution execution;
    try {
      execution = executor.start(request(executor, run, running));
    } catch (RuntimeException e) {
      Run failed =
          ended(
              running,
              RunState.FAILED,
              Optional.empty(),
              "could not start: " + e.getMessage(),
              clock.instant());
      logRun("run ended", failed);
      storeEnd(run, failed, ended);
      return;
    }
    var timeout =
        job.timeout()
            .map(
                t ->
                    timers.schedule(
                        () ->
                            run.kill(
                                RunState.TIMED_OUT,
                                "timed out after " + t.toSeconds() + "s",
                                killGrace),
                        t.toMillis(),
                        TimeUnit.MILLISECONDS))
            .orElse(null);
    run.attempt(running, execution, timeout); // kills at once if killed since the check
    execution
        .done()
        .handle((result, error) -> finish(run, running, result, error))
        .thenAccept(
            end -> {
              boolean retry =
                  (end.state() == RunState.FAILED || end.state() == RunState.TIMED_OUT)
                      && attempt <= job.retries()
                      && !run.killed();
              if (!retry) {
                metrics.runEnded(
                    job.name().value(), end.state(), end.duration().orElse(Duration.ZERO));
                logRun("run ended", end);
                storeEnd(run, end, ended);
                return;
              }
              sink.submit(end);
              startAt(run, attempt + 1, backoff(job, attempt), ended, null);
            })
        .exceptionally(
            e -> {
              ended.completeExceptionally(e);
              return null;
            });
  }

  /**
   * Stores the end of a run that started, once what must precede it is written (the requests of the
   * children it fires: a crash between the two then loses no child), and completes {@code ended}
   * with it. If that cannot be written (the worker closes while etcd is away), the end is stored
   * all the same.
   */
  private void storeEnd(ActiveRun run, Run end, CompletableFuture<Run> ended) {
    CompletableFuture<?> first;
    try {
      first = beforeEnd.apply(end);
    } catch (RuntimeException e) {
      first = CompletableFuture.failedFuture(e);
    }
    first
        .handle(
            (v, e) -> {
              if (e != null) {
                log.warn("run {}: its children were not requested: {}", end.id(), e.toString());
              }
              return sink.durable(end);
            })
        .thenCompose(stored -> stored)
        .whenComplete((v, e) -> complete(ended, end, e));
  }

  /** One INFO line with the run's job, id, worker and state as key-value pairs. */
  private void logRun(String event, Run r) {
    log.atInfo()
        .addKeyValue("job", r.id().job())
        .addKeyValue("run", r.id().toString())
        .addKeyValue("worker", worker)
        .addKeyValue("state", r.state())
        .log(event);
  }

  private static void complete(CompletableFuture<Run> ended, Run end, Throwable error) {
    if (error != null) {
      ended.completeExceptionally(error);
    } else {
      ended.complete(end);
    }
  }

  /** Why a kill request that arrived before this start covers the run, if one does. */
  private Optional<String> killRequested(ActiveRun run) {
    KillMark mark = kills.apply(run.fire.jobName());
    if (mark == null
        || !mark.request().covers(run.fire.runId().toString(), run.fencingToken, mark.revision())) {
      return Optional.empty();
    }
    run.kill(RunState.KILLED, mark.request().reason(), killGrace);
    return Optional.of(mark.request().reason());
  }

  private Run finish(ActiveRun run, Run running, ExecutionResult result, Throwable error) {
    run.cancelTimeout();
    Instant ended = clock.instant();
    if (error != null) {
      return ended(running, RunState.FAILED, Optional.empty(), "execution failed: " + error, ended);
    }
    // A loss kills with SIGKILL at once: a command that exited by itself (no signal) had ended
    // before the kill landed, and keeps its own outcome.
    if (run.killed() && !(run.killedAs() == RunState.LOST && result.signal().isEmpty())) {
      return ended(running, run.killedAs(), Optional.of(result), run.killReason(), ended);
    }
    if (!run.session.isAlive() && result.signal().isPresent()) {
      // Its lease's deadline passed (the worker was frozen or cut off) and the watchdog killed it
      // before this worker saw the loss itself. A command that exited by itself keeps its end.
      run.kill(RunState.LOST, "the worker's lease ended while the run was running", killGrace);
      return ended(running, RunState.LOST, Optional.of(result), run.killReason(), ended);
    }
    RunState state =
        result.succeeded()
            ? RunState.SUCCEEDED
            : result.timedOut() ? RunState.TIMED_OUT : RunState.FAILED;
    String reason =
        result.succeeded()
            ? ""
            : result
                .reason()
                .or(
                    () ->
                        result
                            .signal()
                            .map(s -> "killed by signal " + s + cpuLimit(run.fire.job(), s)))
                .or(result::notStarted)
                .orElse("exit code " + result.exitCode());
    return ended(running, state, Optional.of(result), reason, ended);
  }

  /** Why signal {@code s} came, when it is SIGXCPU from the job's own CPU limit. */
  private static String cpuLimit(Job job, int s) {
    return s == SIGXCPU
        ? job.limits()
            .cpuSeconds()
            .map(n -> " (SIGXCPU: its limit of " + n + " CPU seconds was used up)")
            .orElse("")
        : "";
  }

  private static Run ended(
      Run running, RunState state, Optional<ExecutionResult> result, String reason, Instant at) {
    return running.finished(
        state,
        result.map(ExecutionResult::exitCode),
        result.flatMap(ExecutionResult::signal),
        reason,
        result.map(ExecutionResult::outputTail).orElse(""),
        result.map(ExecutionResult::outputSize).orElse(0L),
        at);
  }

  private ExecutionRequest request(Executor executor, ActiveRun run, Run running) {
    int attempt = running.attempt();
    Job job = run.fire.job();
    Map<String, String> env = new HashMap<>(job.env());
    // A manual run's parameters go over the job's env; the ETCRON_ ones (which parameters may not
    // name) over both.
    env.putAll(run.fire.params());
    env.put("ETCRON_JOB", job.name().value());
    env.put("ETCRON_RUN_ID", run.fire.runId().toString());
    run.fire.parent().ifPresent(p -> env.put("ETCRON_PARENT_RUN_ID", p));
    run.fire
        .shard()
        .ifPresent(
            s -> {
              env.put("ETCRON_SHARD_INDEX", Integer.toString(s.index()));
              env.put("ETCRON_SHARD_TOTAL", Integer.toString(s.total()));
            });
    env.put("ETCRON_FIRE_TIME", run.fire.time().toString());
    env.put("ETCRON_FENCING_TOKEN", Long.toString(run.fencingToken));
    env.put("ETCRON_ATTEMPT", Integer.toString(attempt));
    env.put("ETCRON_WORKER", worker);
    var id = run.fire.runId();
    return new ExecutionRequest(
        job.command(),
        env,
        job.workingDir().map(Path::of),
        (offset, bytes, length) -> sink.output(id, offset, bytes, length),
        Optional.of(run.session::remaining),
        executor.outlivesWorker() ? sink.exitNote(running) : Optional.empty(),
        job.runAs(),
        job.limits(),
        job.http()
            .map(
                call ->
                    call.withHeaders(
                        Map.of(
                            HttpCall.RESERVED_PREFIX + "Run-Id",
                            run.fire.runId().toString(),
                            HttpCall.RESERVED_PREFIX + "Fencing-Token",
                            Long.toString(run.fencingToken)))));
  }

  static Duration backoff(Job job, int attempt) {
    Duration d = job.retryBackoff();
    for (int i = 1; i < attempt && d.compareTo(MAX_BACKOFF) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }
}
