package io.etcron.worker;

import io.etcron.claim.Claim;
import io.etcron.claim.Claimer;
import io.etcron.claim.Fire;
import io.etcron.concurrent.Loop;
import io.etcron.lock.EtcdUnavailableException;
import io.etcron.lock.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claiming loop, on its own thread {@code etcron-claims}: takes every fire queued while the
 * previous claim was in flight and claims them together (group commit), so a worker under load
 * sends fewer, larger transactions. Every outcome is kept: owned fires become runs tied to the
 * session that claimed them, fires whose answer was lost are read back until settled (never assumed
 * lost), and fires that did not commit go back to the scheduler.
 */
final class ClaimLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClaimLoop.class);

  /** The pause before reading back claims whose answer was lost, when etcd did not answer. */
  private static final Duration RESOLVE_AGAIN = Duration.ofMillis(500);

  /** Gives fires back to the scheduler, to be claimed again if still open. */
  interface Retry {
    void retry(List<Fire> fires);
  }

  /** A fire waiting to be claimed; {@code checkFirst}: look whether it is still open first. */
  private record Queued(Fire fire, boolean checkFirst, Session resolveUnder) {}

  private final Claimer claimer;
  private final String worker;
  private final Runs runs;
  private final WorkerMetrics metrics;
  private final Supplier<Session> session;
  private final ScheduledExecutorService timers;
  private final Function<Set<String>, List<String>> broadcastTo;
  private Retry retry;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final BlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
  private final Loop loop;
  private volatile boolean running = true;

  ClaimLoop(
      Claimer claimer,
      String worker,
      Runs runs,
      WorkerMetrics metrics,
      Supplier<Session> session,
      ScheduledExecutorService timers,
      Function<Set<String>, List<String>> broadcastTo) {
    this.broadcastTo = broadcastTo;
    this.claimer = claimer;
    this.worker = worker;
    this.runs = runs;
    this.metrics = metrics;
    this.session = session;
    this.timers = timers;
    this.loop = new Loop("etcron-claims", this::claimPass, metrics::loopError, Loop.QUICK);
  }

  /** Starts the loop; failed claims go back through {@code retry}. */
  void start(Retry retry) {
    this.retry = retry;
    loop.start();
  }

  /**
   * Hands fires to the claiming thread (called on the scheduler thread: never blocks). A fire
   * already waiting to be claimed is not queued twice: when claiming falls behind, takeover checks
   * would otherwise queue the same fires again and again.
   */
  void submit(List<Fire> fires, boolean checkFirst) {
    for (Fire f : fires) {
      if (pending.add(f.runId().toString())) {
        queue.add(new Queued(f, checkFirst, null));
      }
    }
  }

  /** Claims what is queued: waits for the first fire, then takes every fire queued by then. */
  private boolean claimPass() throws InterruptedException {
    List<Queued> batch = new ArrayList<>();
    batch.add(queue.take());
    queue.drainTo(batch);
    batch.removeIf(q -> q.fire() == null); // the wake-up of close()
    batch.forEach(q -> pending.remove(q.fire().runId().toString()));
    for (Queued q : batch) {
      if (q.resolveUnder() != null) {
        settle(List.of(q.fire()), q.resolveUnder());
      }
    }
    List<Fire> check =
        batch.stream()
            .filter(q -> q.resolveUnder() == null && q.checkFirst())
            .map(Queued::fire)
            .toList();
    List<Fire> fires =
        new ArrayList<>(
            batch.stream()
                .filter(q -> q.resolveUnder() == null && !q.checkFirst())
                .map(Queued::fire)
                .toList());
    fires.addAll(check.isEmpty() ? check : openOnes(check));
    claimNow(fires);
    return running;
  }

  private void claimNow(List<Fire> fires) {
    Session s = session.get();
    if (fires.isEmpty()) {
      return;
    }
    if (!running || s == null || !s.isAlive()) {
      retry.retry(fires); // a new session claims them, if they are still open then
      return;
    }
    // A broadcast fire gives a run to each worker eligible as it is claimed.
    if (fires.stream().anyMatch(Fire::isBroadcast)) {
      fires =
          fires.stream()
              .map(f -> f.isBroadcast() ? f.withShardWorkers(broadcastTo.apply(f.job().tags())) : f)
              .toList();
    }
    long start = System.nanoTime();
    List<Claim> claims = claimer.claim(fires, worker, s.leaseId());
    metrics.claimLatency(Duration.ofNanos(System.nanoTime() - start));
    handle(claims, s);
  }

  /** Acts on each outcome: what committed is kept, whatever happened to the rest. */
  private void handle(List<Claim> claims, Session s) {
    int owned = 0;
    List<Fire> again = new ArrayList<>();
    List<Fire> unknown = new ArrayList<>();
    for (Claim c : claims) {
      switch (c.outcome()) {
        case OWNED -> {
          owned++;
          runs.owned(c, s);
        }
        case TAKEN -> {}
        case RETRY -> again.add(c.fire());
        case UNKNOWN -> unknown.add(c.fire());
      }
    }
    metrics.claimed(owned);
    if (!again.isEmpty()) {
      metrics.etcdError();
      retry.retry(again);
    }
    if (!unknown.isEmpty()) {
      metrics.etcdError();
      settle(unknown, s);
    }
  }

  /**
   * Reads back claims whose answer was lost, made under {@code s}. An owned one runs (or, if {@code
   * s} has ended meanwhile, ends LOST without starting: its run is tied to {@code s}); one that did
   * not commit is claimed again; while etcd does not answer, the read is tried again.
   */
  private void settle(List<Fire> fires, Session s) {
    try {
      handle(claimer.resolve(fires, s.leaseId()), s);
    } catch (EtcdUnavailableException e) {
      log.debug("reading back {} claims failed, trying again: {}", fires.size(), e.getMessage());
      if (running) {
        timers.schedule(
            () -> fires.forEach(f -> queue.add(new Queued(f, false, s))),
            RESOLVE_AGAIN.toMillis(),
            TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * Takeovers and retries were probably claimed by others already, and this worker's view may lag:
   * check them with read-only transactions, which cost etcd no Raft proposal, and keep the ones
   * still open. On failure they are retried like any failed claim.
   */
  private List<Fire> openOnes(List<Fire> late) {
    try {
      return claimer.stillUnclaimed(late);
    } catch (EtcdUnavailableException e) {
      metrics.etcdError();
      retry.retry(late);
      return List.of();
    }
  }

  /**
   * Stops taking new fires. Claims already sent are still settled by the thread if it is inside one
   * (it is not interrupted mid-claim); waits at most {@code bound} for it.
   */
  void close(Duration bound) {
    running = false;
    loop.stop(() -> queue.add(new Queued(null, false, null)), bound);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
