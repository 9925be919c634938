package io.etcron.worker;

import io.etcron.claim.Claim;
import io.etcron.claim.Fire;
import io.etcron.concurrent.Threads;
import io.etcron.job.ConcurrencyPolicy;
import io.etcron.lock.Session;
import io.etcron.run.Run;
import io.etcron.run.RunState;
import io.etcron.store.KillRequest;
import io.etcron.worker.record.RunRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
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

  private final String worker;
  private final RunRecorder sink;
  private final WorkerMetrics metrics;
  private final Clock clock;
  private final Duration killGrace;
  private final int capacity;
  private final BiConsumer<String, Long> releaseLock;
  private final Consumer<String> forgetClaim;
  private final Runnable onChange;
  private final Map<String, ActiveRun> active = new ConcurrentHashMap<>();
  private final Map<String, Attempts.KillMark> kills = new ConcurrentHashMap<>();
  private final AtomicInteger busy = new AtomicInteger();
  private final ScheduledExecutorService timers;
  private final Attempts attempts;

  Runs(
      WorkerSettings settings,
      JobExecutors executors,
      RunRecorder sink,
      WorkerMetrics metrics,
      BiConsumer<String, Long> releaseLock,
      Consumer<String> forgetClaim,
      Function<Run, CompletableFuture<?>> beforeEnd,
      Runnable onChange) {
    this.worker = settings.info().id();
    this.sink = sink;
    this.metrics = metrics;
    this.clock = settings.clock();
    this.killGrace = settings.killGrace();
    this.capacity = settings.capacity();
    this.releaseLock = releaseLock;
    this.forgetClaim = forgetClaim;
    this.onChange = onChange;
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(1, Threads.named("etcron-run-timers"));
    t.setRemoveOnCancelPolicy(true);
    this.timers = t;
    this.attempts =
        new Attempts(worker, executors, sink, metrics, clock, killGrace, t, kills::get, beforeEnd);
  }

  /** Whether as many claims are executing as this worker takes. */
  boolean atCapacity() {
    return busy.get() >= capacity;
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
    if (claim.fire().isBroadcast()) {
      // Its claim requested one run per worker, each claimed and recorded by its worker: only
      // the fires nobody claimed before it are this owner's to record.
      String claimed = claim.fire().runId().toString();
      List<MisfirePlan.Missed> missed = new ArrayList<>(plan.missed());
      plan.run().stream()
          .filter(f -> !f.runId().toString().equals(claimed))
          .forEach(
              f ->
                  missed.add(
                      new MisfirePlan.Missed(
                          f,
                          "missed: a broadcast job runs only the latest fire it catches up with")));
      for (MisfirePlan.Missed m : missed) {
        sink.submit(
            Run.missed(m.fire().runId(), worker, claim.fencingToken(), m.reason(), now)
                .withParams(m.fire().params()));
      }
      for (MisfirePlan.Missed x : plan.excluded()) {
        if (!x.fire().runId().toString().equals(claimed)) {
          sink.submit(Run.skipped(x.fire().runId(), worker, claim.fencingToken(), x.reason(), now));
        }
      }
      metrics.missed(missed.size());
      return;
    }
    List<CompletableFuture<Void>> recorded = new ArrayList<>();
    for (int i = 0; i < plan.missed().size(); i++) {
      MisfirePlan.Missed m = plan.missed().get(i);
      String reason = m.reason();
      if (i == plan.missed().size() - 1 && plan.unrecorded() > 0) {
        reason += "; " + plan.unrecorded() + " earlier fires were missed too";
      }
      recorded.add(
          sink.durable(
              Run.missed(m.fire().runId(), worker, claim.fencingToken(), reason, now)
                  .withParams(m.fire().params())));
    }
    metrics.missed(plan.missed().size());
    for (MisfirePlan.Missed x : plan.excluded()) {
      metrics.skipped();
      recorded.add(
          sink.durable(
              Run.skipped(x.fire().runId(), worker, claim.fencingToken(), x.reason(), now)
                  .withParams(x.fire().params())));
    }
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
                                now)
                            .withParams(f.params()))));
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
            Run.running(fire.runId(), worker, chain.token(), 1, clock.instant())
                .withParams(fire.params()));
    active.put(fire.runId().toString(), run);
    onChange.run();
    CompletableFuture<Run> ended = new CompletableFuture<>();
    boolean isClaimed = fire.runId().toString().equals(chain.claimed());
    attempts.startAt(
        run,
        1,
        Duration.between(clock.instant(), fire.time()),
        ended,
        isClaimed ? chain.claimedRecorded() : null);
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
                      Run.notStarted(as, f.runId(), worker, chain.token(), 1, why, clock.instant())
                          .withParams(f.params())));
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
   * A kill request of {@code job} at mod revision {@code revision}: kills the runs it covers, and
   * is remembered so that a run claimed before it but not started yet does not start.
   */
  void killRequested(String job, KillRequest request, long revision) {
    kills.merge(
        job,
        new Attempts.KillMark(request, revision),
        (old, neu) -> neu.revision() >= old.revision() ? neu : old);
    kill(
        r ->
            r.fire.jobName().equals(job)
                && request.covers(r.fire.runId().toString(), r.fencingToken, revision),
        RunState.KILLED,
        request.reason(),
        killGrace);
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
