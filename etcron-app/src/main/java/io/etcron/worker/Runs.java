package io.etcron.worker;

import io.etcron.claim.Claim;
import io.etcron.claim.Fire;
import io.etcron.execute.Execution;
import io.etcron.execute.ExecutionRequest;
import io.etcron.execute.ExecutionResult;
import io.etcron.execute.Executor;
import io.etcron.job.ConcurrencyPolicy;
import io.etcron.job.Job;
import io.etcron.lock.Session;
import io.etcron.run.Run;
import io.etcron.run.RunState;
import io.etcron.runlog.RunRecorder;
import io.etcron.store.KillRequest;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs this worker executes: turns owned claims into runs (after the misfire plan), executes
 * them with timeout and retries, kills them on request, and records every step. Every run is tied
 * to the session that claimed it: no attempt starts (first, retry, or a start claimed ahead of its
 * time) once that session has ended, the run was killed, or a kill request covers it. A run's end
 * is stored before the job's lock is released, and a claim's evidence is forgotten only once the
 * claimed fire's first record is stored. Thread-safe.
 */
final class Runs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Runs.class);

  /** The longest pause between retries. */
  private static final Duration MAX_BACKOFF = Duration.ofHours(1);

  /** The latest kill request of a job and its mod revision. */
  private record KillMark(KillRequest request, long revision) {}

  private final String worker;
  private final Executor executor;
  private final RunRecorder sink;
  private final WorkerMetrics metrics;
  private final Clock clock;
  private final Duration killGrace;
  private final int capacity;
  private final BiConsumer<String, Long> releaseLock;
  private final Consumer<String> forgetClaim;
  private final Runnable onChange;
  private final Map<String, ActiveRun> active = new ConcurrentHashMap<>();
  private final Map<String, KillMark> kills = new ConcurrentHashMap<>();
  private final AtomicInteger busy = new AtomicInteger();
  private final ScheduledExecutorService timers;

  Runs(
      WorkerSettings settings,
      Executor executor,
      RunRecorder sink,
      WorkerMetrics metrics,
      BiConsumer<String, Long> releaseLock,
      Consumer<String> forgetClaim,
      Runnable onChange) {
    this.worker = settings.info().id();
    this.executor = executor;
    this.sink = sink;
    this.metrics = metrics;
    this.clock = settings.clock();
    this.killGrace = settings.killGrace();
    this.capacity = settings.capacity();
    this.releaseLock = releaseLock;
    this.forgetClaim = forgetClaim;
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

  /**
   * Handles a claim this worker owns, made under {@code session}. Never blocks on execution. The
   * claim's evidence is forgotten once the records it implies first are stored.
   */
  void owned(Claim claim, Session session) {
    Instant now = clock.instant();
    MisfirePlan plan = MisfirePlan.of(claim, now);
    List<CompletableFuture<Void>> recorded = new ArrayList<>();
    for (int i = 0; i < plan.missed().size(); i++) {
      MisfirePlan.Missed m = plan.missed().get(i);
      String reason = m.reason();
      if (i == plan.missed().size() - 1 && plan.unrecorded() > 0) {
        reason += "; " + plan.unrecorded() + " earlier fires were missed too";
      }
      recorded.add(
          sink.durable(Run.missed(m.fire().runId(), worker, claim.fencingToken(), reason, now)));
    }
    metrics.missed(plan.missed().size());
    plan.skipped().ifPresent(f -> metrics.skipped());
    plan.skipped()
        .ifPresent(
            f ->
                recorded.add(
                    sink.durable(
                        Run.skipped(
                            f.runId(),
                            worker,
                            claim.fencingToken(),
                            "skipped: previous run "
                                + claim.busyWith().orElse("?")
                                + " still running",
                            now))));
    boolean holdsLock =
        claim.busyWith().isEmpty() && claim.fire().job().concurrency() != ConcurrencyPolicy.ALLOW;
    String claimed = claim.fire().runId().toString();
    CompletableFuture<Void> claimedRecorded = new CompletableFuture<>();
    if (plan.run().stream().noneMatch(f -> f.runId().toString().equals(claimed))) {
      claimedRecorded.complete(null); // its record is among the missed or skipped ones
    }
    recorded.add(claimedRecorded);
    CompletableFuture.allOf(recorded.toArray(CompletableFuture[]::new))
        .thenRun(() -> forgetClaim.accept(claimed));
    if (plan.run().isEmpty()) {
      if (holdsLock) {
        releaseLock.accept(claim.fire().jobName(), claim.fencingToken());
      }
      return;
    }
    busy.incrementAndGet();
    Chain chain =
        new Chain(
            new ArrayList<>(plan.run()),
            claim.fencingToken(),
            session,
            holdsLock,
            claimed,
            claimedRecorded);
    runNext(chain);
  }

  /** Fires run one after the other under one claim, then the job's lock is released. */
  private record Chain(
      List<Fire> fires,
      long token,
      Session session,
      boolean holdsLock,
      String claimed,
      CompletableFuture<Void> claimedRecorded) {}

  private void runNext(Chain chain) {
    Fire fire = chain.fires().remove(0);
    ActiveRun run =
        new ActiveRun(
            fire,
            chain.token(),
            chain.session(),
            Run.running(fire.runId(), worker, chain.token(), 1, clock.instant()));
    active.put(fire.runId().toString(), run);
    onChange.run();
    CompletableFuture<Run> ended = new CompletableFuture<>();
    boolean isClaimed = fire.runId().toString().equals(chain.claimed());
    startAt(run, 1, Duration.between(clock.instant(), fire.time()), ended, isClaimed, chain);
    ended.whenComplete(
        (end, error) -> {
          active.remove(fire.runId().toString());
          if (error != null) {
            log.error("run {} failed to complete its bookkeeping", fire.runId(), error);
          }
          if (!chain.fires().isEmpty()) {
            if (!run.killed() && (end == null || end.state() != RunState.LOST)) {
              runNext(chain);
              return;
            }
            // Killed or lost: the rest of the chain does not run, but each fire gets its record.
            RunState as = run.killed() ? run.killedAs() : RunState.LOST;
            String why = "not started: " + (run.killed() ? run.killReason() : "lease lost");
            List<CompletableFuture<Void>> rest = new ArrayList<>();
            for (Fire f : chain.fires()) {
              rest.add(
                  sink.durable(
                      Run.notStarted(
                          as, f.runId(), worker, chain.token(), 1, why, clock.instant())));
            }
            CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new))
                .thenRun(() -> chain.claimedRecorded().complete(null));
          }
          if (chain.holdsLock()) {
            releaseLock.accept(fire.jobName(), chain.token());
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
   * Starts {@code attempt} of {@code run} after {@code delay} (at once if not positive), completing
   * {@code ended} with the run's stored end. A run killed while it waits ends without starting.
   */
  private void startAt(
      ActiveRun run,
      int attempt,
      Duration delay,
      CompletableFuture<Run> ended,
      boolean isClaimed,
      Chain chain) {
    if (delay.isNegative() || delay.isZero()) {
      attempt(run, attempt, ended, isClaimed, chain);
      return;
    }
    Runnable go = () -> attempt(run, attempt, ended, isClaimed, chain);
    ScheduledFuture<?> start = timers.schedule(go, delay.toNanos(), TimeUnit.NANOSECONDS);
    if (!run.waiting(start, go) && start.cancel(false)) {
      go.run(); // killed meanwhile: ends without starting
    }
  }

  /**
   * Attempt {@code attempt} of {@code run}, unless it must not start (killed, its session ended, a
   * kill request covers it): then the run ends without running its command. On failure with retries
   * left, the next attempt starts after a backoff. Completes {@code ended} with the stored end.
   */
  private void attempt(
      ActiveRun run, int attempt, CompletableFuture<Run> ended, boolean isClaimed, Chain chain) {
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
              started);
      CompletableFuture<Void> stored = sink.durable(end);
      if (isClaimed && attempt == 1) {
        stored.thenRun(() -> chain.claimedRecorded().complete(null));
      }
      metrics.runEnded(job.name().value(), end.state(), Duration.ZERO);
      stored.whenComplete((v, e) -> complete(ended, end, e));
      return;
    }
    Run running = Run.running(run.fire.runId(), worker, run.fencingToken, attempt, started);
    if (isClaimed && attempt == 1) {
      sink.durable(running).thenRun(() -> chain.claimedRecorded().complete(null));
      metrics.lateness(Duration.between(run.fire.time(), started));
    } else {
      sink.submit(running);
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
      sink.durable(failed).whenComplete((v, err) -> complete(ended, failed, err));
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
                sink.durable(end).whenComplete((v, e) -> complete(ended, end, e));
                return;
              }
              sink.submit(end);
              startAt(run, attempt + 1, backoff(job, attempt), ended, isClaimed, chain);
            })
        .exceptionally(
            e -> {
              ended.completeExceptionally(e);
              return null;
            });
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
    KillMark mark = kills.get(run.fire.jobName());
    if (mark == null
        || !mark.request().covers(run.fire.runId().toString(), run.fencingToken, mark.revision())) {
      return Optional.empty();
    }
    run.kill(RunState.KILLED, mark.request().reason(), killGrace);
    return Optional.of(mark.request().reason());
  }

  /**
   * A kill request of {@code job} at mod revision {@code revision}: kills the runs it covers, and
   * is remembered so that a run claimed before it but not started yet does not start.
   */
  void killRequested(String job, KillRequest request, long revision) {
    kills.merge(
        job,
        new KillMark(request, revision),
        (old, neu) -> neu.revision() >= old.revision() ? neu : old);
    kill(
        r ->
            r.fire.jobName().equals(job)
                && request.covers(r.fire.runId().toString(), r.fencingToken, revision),
        RunState.KILLED,
        request.reason(),
        killGrace);
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
    if (!run.session.isAlive() && result.signal().isPresent()) {
      // Its lease's deadline passed (the worker was frozen or cut off) and the watchdog killed it
      // before this worker saw the loss itself. A command that exited by itself keeps its end.
      run.kill(RunState.LOST, "the worker's lease ended while the run was running", killGrace);
      return ended(running, RunState.LOST, Optional.of(result), run.killReason(), ended);
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
        (offset, bytes, length) -> sink.output(id, offset, bytes, length),
        Optional.of(run.session::remaining));
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
        // A run waiting for its start ends now, on the timer thread, without starting.
        run.kill(state, reason, grace).ifPresent(timers::execute);
        n++;
      }
    }
    return n;
  }

  /**
   * Lease lost: kills every run at once with SIGKILL (no grace: the lease may expire any moment)
   * and records them LOST.
   */
  void loseAll(Session ended, String reason) {
    int n = kill(r -> r.session == ended, RunState.LOST, reason, Duration.ZERO);
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
