package io.etcron.master;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcron.concurrent.Backoff;
import io.etcron.concurrent.Loop;
import io.etcron.job.JobName;
import io.etcron.job.JobStore;
import io.etcron.json.Json;
import io.etcron.lock.Election;
import io.etcron.lock.HeldLock;
import io.etcron.lock.LockException;
import io.etcron.lock.NotElectedException;
import io.etcron.lock.Session;
import io.etcron.run.Dependents;
import io.etcron.run.RetentionPolicy;
import io.etcron.run.Run;
import io.etcron.run.RunState;
import io.etcron.run.RunStore;
import io.etcron.store.ChildRequests;
import io.etcron.store.EtcdCalls;
import io.etcron.store.Keys;
import io.etcron.store.PagedRange;
import io.etcron.store.WorkerInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The duties one master does for the cluster, on the master that wins the {@code run-sweeper}
 * election: marks RUNNING runs of workers that are gone as LOST, and applies the retention policy
 * to runs and the audit trail. A worker counts as gone when it has been missing from {@code
 * workers/} for two sweeps in a row, so a registration that the mirror has not seen yet is never
 * mistaken for a death. Runs on one named thread; campaigns again when its leadership is lost.
 */
public final class RunSweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunSweeper.class);
  public static final Duration SWEEP_EVERY = Duration.ofSeconds(2);
  public static final Duration RETENTION_EVERY = Duration.ofMinutes(10);

  private final Client client;
  private final String namespace;
  private final RunStore runs;
  private final JobStore jobs;
  private final WorkerDirectory workers;
  private final RetentionPolicy retention;
  private final Clock clock;
  private final String owner;
  private final Loop loop;
  private final Map<String, Integer> missing = new HashMap<>();
  private final ClaimSweeper claims;
  private final ShardSweeper shards;
  private final ChildRequests childRequests;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /** The pause before campaigning again after a failure. */
  private static final Backoff AFTER_FAILURE = Backoff.fixed(Duration.ofSeconds(1));

  private volatile boolean running = true;
  private volatile boolean leader;
  private volatile Session session;

  public RunSweeper(
      Client client,
      String namespace,
      RunStore runs,
      JobStore jobs,
      WorkerDirectory workers,
      RetentionPolicy retention,
      Clock clock,
      String owner) {
    this.jobs = jobs;
    this.client = client;
    this.namespace = namespace;
    this.runs = runs;
    this.workers = workers;
    this.retention = retention;
    this.clock = clock;
    this.owner = owner;
    this.claims = new ClaimSweeper(client, Keys.of(namespace), runs, clock, REQUEST_TIMEOUT);
    this.shards =
        new ShardSweeper(client, Keys.of(namespace), runs, workers, clock, REQUEST_TIMEOUT);
    this.childRequests = new ChildRequests(client, Keys.of(namespace), REQUEST_TIMEOUT, null);
    this.loop = new Loop("etcron-run-sweeper", this::leadPass, () -> {}, AFTER_FAILURE);
  }

  public RunSweeper start() {
    loop.start();
    return this;
  }

  /** Whether this master leads the sweeping now. */
  public boolean isLeader() {
    return leader;
  }

  /** Audit entries deleted per sweep at most, in requests of a bounded size. */
  static final int AUDIT_PRUNE_MAX = 10_000;

  private static final int AUDIT_PRUNE_CHUNK = 1_000;

  /**
   * How long {@code after/<parent run>} is kept: far longer than a parent's end takes to be stored
   * (the marker only has to outlive the writers that could still try to request the children).
   */
  static final Duration FIRED_KEPT = Duration.ofDays(1);

  /** Deletes records of children fired that are older than {@link #FIRED_KEPT}; how many. */
  private int pruneFired() {
    Keys keys = Keys.of(namespace);
    Instant before = clock.instant().minus(FIRED_KEPT);
    List<ByteSequence> old = new ArrayList<>();
    PagedRange.of(client.getKVClient(), REQUEST_TIMEOUT)
        .forEachPage(
            keys.fired(),
            page -> {
              for (KeyValue kv : page) {
                if (old.size() < AUDIT_PRUNE_MAX && firedBefore(kv, before)) {
                  old.add(kv.getKey());
                }
              }
            });
    for (ByteSequence key : old) {
      EtcdCalls.await(
          client.getKVClient().delete(key), REQUEST_TIMEOUT, "delete a record of children fired");
    }
    return old.size();
  }

  private static boolean firedBefore(KeyValue kv, Instant before) {
    try {
      Instant at = Json.readStored(Keys.string(kv.getValue()), ChildRequests.Fired.class).at();
      return at == null || at.isBefore(before);
    } catch (RuntimeException e) {
      return true; // unreadable: nobody can use it
    }
  }

  /** Deletes audit entries older than the retention, in bounded chunks; how many. */
  private int pruneAudit() {
    Instant before = clock.instant().minus(retention.auditMaxAge());
    int total = 0;
    while (total < AUDIT_PRUNE_MAX) {
      int n = jobs.pruneAudit(before, AUDIT_PRUNE_CHUNK);
      total += n;
      if (n < AUDIT_PRUNE_CHUNK) {
        break;
      }
    }
    return total;
  }

  /**
   * One term: opens a session, campaigns, and sweeps while it leads; starts over after a failure or
   * a lost leadership.
   */
  private boolean leadPass() throws InterruptedException {
    try {
      session =
          Session.builder(client)
              .ttl(Duration.ofSeconds(10))
              .namespace(namespace)
              .owner(owner)
              .open();
      HeldLock leadership = campaign();
      if (leadership == null) {
        return running;
      }
      leader = true;
      log.info("{} leads the run sweeper", owner);
      Instant lastRetention = Instant.EPOCH;
      while (running && leadership.isHeld()) {
        // A mirror that has not listed the workers yet would make every worker look gone.
        if (workers.synced(Duration.ZERO)) {
          sweep();
          claims.sweep();
          shards.sweep();
        }
        if (Duration.between(lastRetention, clock.instant()).compareTo(RETENTION_EVERY) > 0) {
          int deleted = runs.applyRetention(retention, clock.instant());
          if (deleted > 0) {
            log.info("retention deleted {} runs", deleted);
          }
          int markers = pruneFired();
          if (markers > 0) {
            log.info("retention deleted {} records of children fired", markers);
          }
          int audits = pruneAudit();
          if (audits > 0) {
            log.info("retention deleted {} audit entries", audits);
          }
          lastRetention = clock.instant();
        }
        awaitLossOrTimeout(leadership);
      }
    } catch (InterruptedException e) {
      throw e;
    } catch (Throwable t) {
      if (running) {
        log.warn("run sweeper: {}; starting over", t.toString());
        pause();
      }
    } finally {
      leader = false;
      // Resign even when closing interrupted us: the next leader takes over at once.
      boolean interrupted = Thread.interrupted();
      Session s = session;
      if (s != null) {
        s.close();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return running;
  }

  /** Waits one sweep period, or less if the leadership is lost. */
  private static void awaitLossOrTimeout(HeldLock leadership) throws InterruptedException {
    try {
      leadership.lost().get(SWEEP_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // time for the next sweep
    } catch (ExecutionException e) {
      // lost: the loop sees it
    }
  }

  private HeldLock campaign() {
    try {
      return Election.on(session, "run-sweeper").campaign(owner, Duration.ofSeconds(30));
    } catch (NotElectedException e) {
      return null; // someone else leads; campaign again with a fresh session
    } catch (LockException e) {
      pause();
      return null;
    }
  }

  /**
   * RUNNING runs whose worker is gone become LOST, once, by this leader only. A worker is gone for
   * a run when it is missing from {@code workers/} on two sweeps in a row, or when its registration
   * is younger than the run and does not list it (the worker was restarted with the same id).
   */
  void sweep() {
    Map<String, Integer> seenMissing = new HashMap<>();
    Dependents dependents = null;
    for (Run r : runs.running()) {
      Optional<String> gone = gone(r);
      if (gone.isEmpty()) {
        continue;
      }
      String key = r.worker() + "/" + r.id();
      int times = missing.getOrDefault(key, 0) + 1;
      seenMissing.put(key, times);
      if (times < 2) {
        continue;
      }
      if (dependents == null) {
        dependents = dependents();
      }
      if (!requestChildren(r, dependents)) {
        continue; // etcd did not answer: the next sweep tries again, before marking it
      }
      if (runs.markLost(r.id(), gone.get(), clock.instant())) {
        log.info("run {} is LOST: {}", r.id(), gone.get());
      }
    }
    missing.clear();
    missing.putAll(seenMissing);
  }

  /** The stored jobs' {@code after} edges, read in pages. */
  private Dependents dependents() {
    Dependents d = new Dependents();
    Optional<JobName> after = Optional.empty();
    do {
      JobStore.JobPage page = jobs.page(after, 1_000, j -> j.after().isPresent());
      page.jobs().forEach(v -> d.upsert(v.job()));
      after = page.next();
    } while (after.isPresent());
    return d;
  }

  /**
   * Before a run becomes LOST, the children its loss fires are requested (once: if its worker
   * requested its children for the end it saw, that decision stands). False if etcd did not answer.
   */
  private boolean requestChildren(Run r, Dependents dependents) {
    List<String> children = dependents.fired(r.id(), RunState.LOST);
    if (children.isEmpty()) {
      return true;
    }
    try {
      childRequests
          .write(r.id(), RunState.LOST, children, owner, clock.instant(), () -> false)
          .get(REQUEST_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      log.warn("run {}: could not request its children yet: {}", r.id(), e.toString());
      return false;
    }
  }

  private Optional<String> gone(Run r) {
    Optional<WorkerInfo> w = workers.get(r.worker());
    if (w.isEmpty()) {
      return Optional.of("worker " + r.worker() + " is gone (its lease expired)");
    }
    boolean restarted =
        r.startedAt().isPresent()
            && w.get().startedAt().isAfter(r.startedAt().get())
            && !w.get().running().contains(r.id().toString());
    return restarted
        ? Optional.of(
            "worker " + r.worker() + " was restarted; this run ended with its old process")
        : Optional.empty();
  }

  private void pause() {
    try {
      Thread.sleep(AFTER_FAILURE.after(1).toMillis()); // before campaigning again
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    loop.interruptAndStop(Duration.ofSeconds(5));
  }
}
