package io.etcron.worker;

import io.etcron.claim.Claim;
import io.etcron.claim.Fire;
import io.etcron.execute.Execution;
import io.etcron.execute.ExecutionRequest;
import io.etcron.execute.ExecutionResult;
import io.etcron.execute.Executor;
import io.etcron.job.ConcurrencyPolicy;
import io.etcron.job.Job;
import io.etcron.run.Run;
import io.etcron.run.RunState;
import io.etcron.runlog.RunRecorder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs this worker executes: turns owned claims into runs (after the misfire plan), executes
 * them with timeout and retries, kills them on request, and records every step. A run's end is
 * stored before the job's lock is released. Thread-safe.
 */
final class Runs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Runs.class);

  /** The longest pause between retries. */
  private static final Duration MAX_BACKOFF = Duration.ofHours(1);

  private final String worker;
  private final Executor executor;
  private final RunRecorder sink;
  private final WorkerMetrics metrics;
  private final Clock clock;
  private final Duration killGrace;
  private final int capacity;
  private final BiConsumer<String, Long> releaseLock;
  private final Runnable onChange;
  private final Map<String, ActiveRun> active = new ConcurrentHashMap<>();
  private final AtomicInteger busy = new AtomicInteger();
  private final ScheduledExecutorService timers;

  Runs(
      WorkerSettings settings,
      Executor executor,
      RunRecorder sink,
      WorkerMetrics metrics,
      BiConsumer<String, Long> releaseLock,
      Runnable onChange) {
    this.worker = settings.info().id();
    this.executor = executor;
    this.sink = sink;
    this.metrics = metrics;
    this.clock = settings.clock();
    this.killGrace = settings.killGrace();
    this.capacity = settings.capacity();
    this.releaseLock = releaseLock;
    this.onChange = onChange;
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "etcron-run-timers");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    this.timers = t;
  }

  /** Whether a new claim may be made: below capacity and the run store keeping up. */
  boolean hasCapacity() {
    return busy.get() < capacity && sink.hasCapacity();
  }

  /** Claims being executed (a chain of caught-up fires counts once). */
  int busy() {
    return busy.get();
  }

  /** Ids of the runs executing now. */
  List<String> runIds() {
    return active.keySet().stream().sorted().toList();
  }

  /** Snapshot of the active runs. */
  List<ActiveRun> active() {
    return List.copyOf(active.values());
  }

  /** Handles claims this worker owns. Never blocks on execution. */
  void owned(Claim claim) {
    Instant now = clock.instant();
    MisfirePlan plan = MisfirePlan.of(claim, now);
    for (int i = 0; i < plan.missed().size(); i++) {
      MisfirePlan.Missed m = plan.missed().get(i);
      String reason = m.reason();
      if (i == plan.missed().size() - 1 && plan.unrecorded() > 0) {
        reason += "; " + plan.unrecorded() + " earlier fires were missed too";
      }
      sink.submit(Run.missed(m.fire().runId(), worker, claim.fencingToken(), reason, now));
    }
    metrics.missed(plan.missed().size());
    plan.skipped().ifPresent(f -> metrics.skipped());
    plan.skipped()
        .ifPresent(
            f ->
                sink.submit(
                    Run.skipped(
                        f.runId(),
                        worker,
                        claim.fencingToken(),
                        "skipped: previous run " + claim.busyWith().orElse("?") + " still running",
                        now)));
    boolean holdsLock =
        claim.busyWith().isEmpty() && claim.fire().job().concurrency() != ConcurrencyPolicy.ALLOW;
    if (plan.run().isEmpty()) {
      if (holdsLock) {
        releaseLock.accept(claim.fire().jobName(), claim.fencingToken());
      }
      return;
    }
    busy.incrementAndGet();
    runChain(new ArrayList<>(plan.run()), claim.fencingToken(), holdsLock);
  }

  /** Runs the fires one after the other, then releases the job's lock. */
  private void runChain(List<Fire> fires, long token, boolean holdsLock) {
    Fire fire = fires.remove(0);
    ActiveRun run =
        new ActiveRun(fire, token, Run.running(fire.runId(), worker, token, 1, clock.instant()));
    active.put(fire.runId().toString(), run);
    onChange.run();
    startAtFireTime(run)
        .whenComplete(
            (ended, error) -> {
              active.remove(fire.runId().toString());
              if (error != null) {
                log.error("run {} failed to complete its bookkeeping", fire.runId(), error);
              }
              if (!fires.isEmpty() && (ended == null || ended.state() != RunState.LOST)) {
                runChain(fires, token, holdsLock);
                return;
              }
              if (holdsLock) {
                releaseLock.accept(fire.jobName(), token);
              }
              if (busy.decrementAndGet() == 0) {
                synchronized (this) {
                  notifyAll();
                }
              }
              onChange.run();
            });
  }

  /**
   * A fire claimed ahead of its time starts at its time (the claim is held meanwhile); a late one
   * starts at once.
   */
  private CompletableFuture<Run> startAtFireTime(ActiveRun run) {
    long wait = Duration.between(clock.instant(), run.fire.time()).toNanos();
    if (wait <= 0) {
      return attempt(run, 1);
    }
    CompletableFuture<Run> started = new CompletableFuture<>();
    timers.schedule(
        () ->
            attempt(run, 1)
                .whenComplete(
                    (r, e) -> {
                      if (e != null) {
                        started.completeExceptionally(e);
                      } else {
                        started.complete(r);
                      }
                    }),
        wait,
        TimeUnit.NANOSECONDS);
    return started;
  }

  /**
   * One attempt; on failure with retries left, the next after a backoff. Completes with the stored
   * end.
   */
  private CompletableFuture<Run> attempt(ActiveRun run, int attempt) {
    Job job = run.fire.job();
    Instant started = clock.instant();
    Run running = Run.running(run.fire.runId(), worker, run.fencingToken, attempt, started);
    sink.submit(running);
    if (attempt == 1) {
      metrics.lateness(Duration.between(run.fire.time(), started));
      logRun("run started", running);
    }
    Execution execution;
    try {
      execution = executor.start(request(run, attempt));
    } catch (RuntimeException e) {
      Run failed =
          ended(
              running,
              RunState.FAILED,
              Optional.empty(),
              "could not start: " + e.getMessage(),
              clock.instant());
      logRun("run ended", failed);
      return sink.durable(failed).thenApply(v -> failed);
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
    run.attempt(running, execution, timeout);
    if (run.killed()) {
      execution.kill(killGrace); // killed between the claim and the start
    }
    return execution
        .done()
        .handle((result, error) -> finish(run, running, result, error))
        .thenCompose(
            ended -> {
              boolean retry =
                  (ended.state() == RunState.FAILED || ended.state() == RunState.TIMED_OUT)
                      && attempt <= job.retries()
                      && !run.killed();
              if (!retry) {
                metrics.runEnded(
                    job.name().value(), ended.state(), ended.duration().orElse(Duration.ZERO));
                logRun("run ended", ended);
                return sink.durable(ended).thenApply(v -> ended);
              }
              sink.submit(ended);
              Duration backoff = backoff(job, attempt);
              CompletableFuture<Run> next = new CompletableFuture<>();
              timers.schedule(
                  () ->
                      attempt(run, attempt + 1)
                          .whenComplete(
                              (r, e) -> {
                                if (e != null) {
                                  next.completeExceptionally(e);
                                } else {
                                  next.complete(r);
                                }
                              }),
                  backoff.toMillis(),
                  TimeUnit.MILLISECONDS);
              return next;
            });
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

  private Run finish(ActiveRun run, Run running, ExecutionResult result, Throwable error) {
    run.cancelTimeout();
    Instant ended = clock.instant();
    if (error != null) {
      return ended(running, RunState.FAILED, Optional.empty(), "execution failed: " + error, ended);
    }
    if (run.killed()) {
      return ended(running, run.killedAs(), Optional.of(result), run.killReason(), ended);
    }
    RunState state = result.succeeded() ? RunState.SUCCEEDED : RunState.FAILED;
    String reason =
        result.succeeded()
            ? ""
            : result
                .signal()
                .map(s -> "killed by signal " + s)
                .orElse("exit code " + result.exitCode());
    return ended(running, state, Optional.of(result), reason, ended);
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

  private ExecutionRequest request(ActiveRun run, int attempt) {
    Job job = run.fire.job();
    Map<String, String> env = new HashMap<>(job.env());
    env.put("ETCRON_JOB", job.name().value());
    env.put("ETCRON_RUN_ID", run.fire.runId().toString());
    env.put("ETCRON_FIRE_TIME", run.fire.time().toString());
    env.put("ETCRON_FENCING_TOKEN", Long.toString(run.fencingToken));
    env.put("ETCRON_ATTEMPT", Integer.toString(attempt));
    env.put("ETCRON_WORKER", worker);
    var id = run.fire.runId();
    return new ExecutionRequest(
        job.command(),
        env,
        job.workingDir().map(Path::of),
        (offset, bytes, length) -> sink.output(id, offset, bytes, length));
  }

  static Duration backoff(Job job, int attempt) {
    Duration d = job.retryBackoff();
    for (int i = 1; i < attempt && d.compareTo(MAX_BACKOFF) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  /** Kills the runs matching {@code which}, recording them as {@code state} with {@code reason}. */
  int kill(Predicate<ActiveRun> which, RunState state, String reason, Duration grace) {
    int n = 0;
    for (ActiveRun run : active.values()) {
      if (which.test(run)) {
        run.kill(state, reason, grace);
        n++;
      }
    }
    return n;
  }

  /**
   * Lease lost: kills every run at once with SIGKILL (no grace: the lease may expire any moment)
   * and records them LOST.
   */
  void loseAll(String reason) {
    int n = kill(r -> true, RunState.LOST, reason, Duration.ZERO);
    if (n > 0) {
      log.warn("killed {} runs: {}", n, reason);
    }
  }

  /** Waits until no run is left, at most {@code bound}; true if none is left. */
  synchronized boolean awaitIdle(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (busy.get() > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  @Override
  public void close() {
    timers.shutdownNow();
  }
}
