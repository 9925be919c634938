package io.etcron.worker;

import io.etcd.jetcd.Client;
import io.etcron.claim.ClaimEvidence;
import io.etcron.claim.Claimer;
import io.etcron.claim.Fire;
import io.etcron.claim.JobLocks;
import io.etcron.concurrent.Backoff;
import io.etcron.concurrent.Threads;
import io.etcron.lock.EtcdUnavailableException;
import io.etcron.lock.Session;
import io.etcron.lock.SessionEnd;
import io.etcron.run.Dependents;
import io.etcron.run.Run;
import io.etcron.run.RunState;
import io.etcron.store.ChildRequests;
import io.etcron.store.Keys;
import io.etcron.store.WorkerInfo;
import io.etcron.worker.record.RunRecorder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: schedules every job it is eligible for, claims each fire exactly once cluster-wide,
 * runs it, records it, and stays registered under {@code workers/<id>} on its session lease.
 *
 * <pre>{@code
 * try (Worker worker = Worker.builder(client, recorder).tags(Set.of("linux")).capacity(8).start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>When the session's lease is lost the worker kills its runs at once (before etcd can expire the
 * lease), records them LOST, opens a new session and registers again. {@link #close()} drains:
 * stops claiming, lets runs finish up to the drain timeout, kills the rest, releases its locks and
 * revokes its lease so that other workers take over at once. Thread-safe.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private static final int REGISTER_ATTEMPTS = 3;

  /** The least time a first listing of etcd may take before the worker gives up starting. */
  private static final Duration MIN_SYNC = Duration.ofSeconds(60);

  /** Pauses while etcd cannot be reached as the worker starts: soon at first, then every second. */
  private static final Backoff WAIT_FOR_ETCD =
      new Backoff(Duration.ofMillis(250), Duration.ofSeconds(1));

  private final WorkerSettings settings;
  private final Client client;
  private final Keys keys;
  private final RunRecorder recorder;
  private final WorkerMetrics metrics;
  private final WorkerInfo info;
  private final Claimer claimer;
  private final Members members;
  private final CursorView cursors;
  private final Runs runs;
  private final Scheduler scheduler;
  private final FireTimer timer;
  private final Registration registration;
  private final ScheduledThreadPoolExecutor timers;
  private final ClaimEvidence evidence;
  private final JobLocks locks;
  private final Dependents dependents = new Dependents();
  private final ChildRequests childRequests;
  private final ClaimLoop claims;
  private final ClusterFeed feed;
  private final AtomicBoolean draining = new AtomicBoolean();
  private volatile Session session;

  Worker(
      WorkerSettings settings,
      Client client,
      RunRecorder recorder,
      JobExecutors executors,
      WorkerMetrics metrics) {
    this.metrics = metrics;
    this.settings = settings;
    this.client = client;
    this.keys = Keys.of(settings.namespace());
    this.recorder = recorder;
    metrics.recorder(recorder);
    this.info = settings.info();
    this.claimer =
        new Claimer(
            client, keys, settings.requestTimeout(), settings.clock(), settings.claimBatch());
    this.members = new Members(keys, info);
    this.cursors = new CursorView(keys, settings.clock());
    this.timers = new ScheduledThreadPoolExecutor(1, Threads.named("etcron-worker-timers"));
    this.evidence = new ClaimEvidence(client, keys, settings.requestTimeout(), timers);
    this.childRequests = new ChildRequests(client, keys, settings.requestTimeout(), timers);
    this.locks =
        new JobLocks(
            client,
            keys,
            settings.requestTimeout(),
            timers,
            () -> !draining.get() && session.isAlive());
    this.registration =
        new Registration(
            client,
            keys,
            info,
            this::runIds,
            () -> session.leaseId(),
            timers,
            settings.requestTimeout());
    this.runs =
        new Runs(
            settings,
            executors,
            recorder,
            metrics,
            locks::release,
            evidence::forget,
            this::requestChildren,
            registration::changed);
    this.claims =
        new ClaimLoop(
            claimer, info.id(), runs, metrics, () -> session, timers, members::broadcastTo);
    this.scheduler =
        new Scheduler(
            settings.clock(),
            settings.grace(),
            settings.claimAhead(),
            members,
            cursors,
            this::unclaimed,
            claims::submit,
            this::canClaim);
    this.timer = new FireTimer(scheduler);
    cursors.onMove(scheduler::cursorMoved);
    // Only the ends of jobs with notification targets are noted for the masters' outbox.
    recorder.noteEndsOf(run -> scheduler.notifies(run.job()));
    this.feed =
        new ClusterFeed(
            client, keys, settings.requestTimeout(), cursors, members, scheduler, runs, dependents);
  }

  /**
   * Writes the requests of the children that {@code end} of {@code fire}'s run fires (none for most
   * jobs), tried until written or this worker closes.
   */
  private CompletableFuture<?> requestChildren(Run end) {
    List<String> children = dependents.fired(end.id(), end.state());
    if (children.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return childRequests.write(
        end.id(),
        end.state(),
        children,
        info.id(),
        end.endedAt().orElse(settings.clock().instant()),
        () -> !timers.isShutdown());
  }

  /** A builder for a worker using {@code client} and recording through {@code recorder}. */
  public static WorkerSettings.Builder builder(Client client, RunRecorder recorder) {
    return new WorkerSettings.Builder(client, recorder);
  }

  /** Opens the session, registers, mirrors etcd and starts scheduling. Blocks until synced. */
  Worker start() throws InterruptedException {
    // etcd may be down or without quorum as the worker starts (a restart in an outage): wait for it
    // within the start bound, rather than exit and leave the restart to a supervisor.
    long deadline = System.nanoTime() + MIN_SYNC.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        Predecessor.endIfAny(client, keys, info, settings.requestTimeout());
        break;
      } catch (EtcdUnavailableException e) {
        if (System.nanoTime() - deadline > 0) {
          throw e;
        }
        log.warn("worker {} waits for etcd: {}", info.id(), e.getMessage());
        Thread.sleep(WAIT_FOR_ETCD.after(attempt).toMillis());
      }
    }
    install(register(deadline));
    // The first listing includes applying every job to the scheduler: at tens of thousands of
    // jobs that takes longer than a request, so the bound is at least a minute.
    Duration sync = settings.requestTimeout().multipliedBy(2);
    feed.start(sync.compareTo(MIN_SYNC) < 0 ? MIN_SYNC : sync);
    // Ends an earlier life's commands left were stored before the jobs were known: their children
    // are requested now (once: a sweeper that presumed the run lost may have decided already).
    recorder.recoveredEnds().forEach(this::requestChildren);
    claims.start(scheduler::retry);
    timer.start();
    log.info(
        "worker {} started: tags {}, capacity {}, {} jobs",
        info.id(),
        info.tags(),
        info.capacity(),
        scheduler.size());
    return this;
  }

  /** This worker's registration. */
  public WorkerInfo info() {
    return info;
  }

  /** Ids of the runs executing now. */
  public List<String> runIds() {
    return runs.runIds();
  }

  /** The current session (a new one after each lease loss). */
  public Session session() {
    return session;
  }

  /**
   * Opens a session and registers on it. A first session can be lost before its registration lands
   * (a slow first keep-alive on a loaded machine), or etcd may not answer yet: then it tries again,
   * at least {@link #REGISTER_ATTEMPTS} times and until {@code deadline} (a {@link
   * System#nanoTime}).
   */
  private Session register(long deadline) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      Session s;
      try {
        s = openSession();
      } catch (EtcdUnavailableException e) {
        if (System.nanoTime() - deadline > 0) {
          throw e;
        }
        log.warn("worker {} waits for etcd to open a session: {}", info.id(), e.getMessage());
        Thread.sleep(WAIT_FOR_ETCD.after(attempt).toMillis());
        continue;
      }
      try {
        registration.putNow(s.leaseId());
        return s;
      } catch (Exception e) {
        s.close();
        if (attempt >= REGISTER_ATTEMPTS && System.nanoTime() - deadline > 0) {
          throw new EtcdUnavailableException(
              "could not register worker " + info.id() + ": " + e.getMessage(), e);
        }
        log.warn("worker {} could not register yet ({}); trying again", info.id(), e.getMessage());
        Thread.sleep(WAIT_FOR_ETCD.after(attempt).toMillis());
      }
    }
  }

  private Session openSession() {
    Session s =
        Session.builder(client)
            .ttl(settings.ttl())
            .owner(info.id())
            .namespace(settings.namespace())
            .requestTimeout(settings.requestTimeout())
            .onKeepAlive(metrics::keepAlive)
            .open();
    s.done().thenAccept(end -> sessionEnded(s, end));
    return s;
  }

  /**
   * Lease lost: kill the session's runs at once, before etcd can give their jobs to others (also
   * while draining: a drain waits for runs, not for a lease), then start over with a new session.
   */
  private void sessionEnded(Session ended, SessionEnd end) {
    if (!end.isLoss()) {
      return;
    }
    metrics.leaseLost();
    runs.loseAll(ended, "worker " + info.id() + " lost its lease: " + end.detail());
    replace(ended);
  }

  /**
   * Makes {@code s} the current session. One lost before this (a grant answered after the session's
   * local deadline: {@link #sessionEnded} saw it was not current yet) is replaced at once, so that
   * a worker never keeps a dead session.
   */
  private void install(Session s) {
    session = s;
    SessionEnd end = s.done().getNow(null);
    if (end != null && end.isLoss()) {
      replace(s);
    }
  }

  /** The last lost session a replacement was started for. */
  private final java.util.concurrent.atomic.AtomicReference<Session> replaced =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** Starts one replacement of the current session {@code lost}, however many paths see it end. */
  private void replace(Session lost) {
    if (draining.get() || lost != session || replaced.getAndSet(lost) == lost) {
      return;
    }
    timers.execute(this::reopen);
  }

  /**
   * Opens a new session and registers on it. A session whose registration fails is closed again
   * (its lease revoked), so failed attempts leave no live lease behind.
   */
  private void reopen() {
    if (draining.get()) {
      return;
    }
    Session s = null;
    try {
      s = openSession();
      registration.putNow(s.leaseId());
      log.info(
          "worker {} opened a new session (lease {})", info.id(), Long.toHexString(s.leaseId()));
      install(s);
    } catch (Exception e) {
      if (s != null) {
        s.close();
      }
      log.warn("worker {} could not open a new session yet: {}", info.id(), e.getMessage());
      timers.schedule(this::reopen, 1, TimeUnit.SECONDS);
    }
  }

  private boolean canClaim() {
    String why = whyNotClaiming();
    String before = notClaiming;
    if (!why.equals(before)) {
      // Logged once a change: an operator sees why a worker stopped claiming, and that it resumed.
      notClaiming = why;
      if (why.isEmpty()) {
        log.info("worker {} claims again (it had stopped: {})", info.id(), before);
      } else {
        log.warn(
            "worker {} claims nothing new: {} ({} runs, {} records waiting to be stored)",
            info.id(),
            why,
            runs.busy(),
            recorder.depth());
      }
    }
    return why.isEmpty();
  }

  /** Why this worker may not claim now; empty when it may. */
  private String whyNotClaiming() {
    Session s = session;
    if (draining.get()) {
      return "draining";
    }
    if (s == null || !s.isAlive()) {
      return "no live session with etcd";
    }
    if (s.isAtRisk()) {
      // Renewals late: new claims would hold locks on a lease that may soon be lost.
      return "its session is at risk (keep-alives late)";
    }
    if (runs.atCapacity()) {
      return "at capacity";
    }
    if (!recorder.hasCapacity()) {
      return "the run store is failing or behind";
    }
    return "";
  }

  /** The last reason for not claiming that was logged; empty while claiming. */
  private volatile String notClaiming = "";

  private boolean unclaimed(Fire fire) {
    if (fire.triggerKey().isPresent()) {
      return feed.triggerPending(fire.triggerKey().get());
    }
    return cursors.behind(fire.jobName(), fire.time());
  }

  /**
   * Drains: stops claiming, waits for runs up to the drain timeout, kills the rest, stores their
   * records, releases the locks and revokes the lease. Blocks for about the drain timeout at most.
   */
  @Override
  public void close() {
    if (!draining.compareAndSet(false, true)) {
      return;
    }
    log.info("worker {} draining: {} runs", info.id(), runs.busy());
    Session current = session;
    if (current != null && current.isAlive()) {
      registration.draining(); // peers take its share of fires at once, not a grace late
    }
    timer.close();
    // A claim in flight is settled, not dropped: what it owns runs (and is drained) like the rest.
    claims.close(settings.requestTimeout().multipliedBy(2));
    feed.close();
    try {
      if (!runs.awaitIdle(settings.drainTimeout())) {
        runs.kill(
            r -> true, RunState.KILLED, "worker " + info.id() + " drained", settings.killGrace());
        runs.awaitIdle(settings.killGrace().plusSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    runs.close();
    // The last steps talk to the store and etcd: run them even if this thread was interrupted.
    boolean interrupted = Thread.interrupted();
    try {
      recorder.close(Duration.ofSeconds(10));
      Session s = session;
      if (s != null) {
        s.close(); // revokes the lease: its locks and registration go at once
      }
    } finally {
      timers.shutdownNow();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    log.info("worker {} stopped", info.id());
  }
}
